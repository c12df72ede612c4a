import type { IncomingMessage } from 'node:http';
import { loggedPath } from './request-log';

const request = (url: string) => ({ url }) as IncomingMessage;

describe('the path a management API access line shows', () => {
  it('drops the query string, where tokens may travel', () => {
    expect(loggedPath(request('/v2/manage/repos?namespace=team&token=abc'))).toBe('/v2/manage/repos');
  });

  it("replaces a Selectel v1 token in the path, whatever the case and whatever follows", () => {
    expect(loggedPath(request('/api/v1/token/Zm9vYmFyYmF6'))).toBe('/api/v1/token/:token');
    expect(loggedPath(request('/API/V1/Token/Zm9vYmFyYmF6/refresh?x=1'))).toBe('/API/V1/Token/:token/refresh');
    expect(loggedPath(request('/api/v1/token'))).toBe('/api/v1/token');
  });

  it('leaves other paths as they are', () => {
    expect(loggedPath(request('/v2/manage/namespaces/team/repos/app'))).toBe('/v2/manage/namespaces/team/repos/app');
    expect(loggedPath(request('/api/v2/tokens/0b6f6a55-1c7e-4c3e-9d55-8f0b2c1d9e01'))).toBe('/api/v2/tokens/0b6f6a55-1c7e-4c3e-9d55-8f0b2c1d9e01');
  });
});
