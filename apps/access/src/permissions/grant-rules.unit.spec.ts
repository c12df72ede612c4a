import { grantRefusal } from './grant-rules';

const edit = { onNamespace: 3, onTarget: 3 };
const manage = { onNamespace: null, onTarget: 7 };

describe('who may grant', () => {
  it('lets edit on the organization grant image permissions up to edit, never manage', () => {
    expect(grantRefusal('grant', 'repository', edit, [1, 3])).toBeNull();
    expect(grantRefusal('grant', 'repository', edit, [3, 7])).toMatch(/above your own/);
  });

  it('lets only manage change or revoke grants that exist', () => {
    expect(grantRefusal('update', 'repository', edit, [1])).toMatch(/manage/);
    expect(grantRefusal('revoke', 'repository', edit, [])).toMatch(/manage/);
    expect(grantRefusal('update', 'repository', manage, [7])).toBeNull();
    expect(grantRefusal('revoke', 'repository', manage, [])).toBeNull();
  });

  it('refuses read, and organization grants below manage', () => {
    expect(grantRefusal('grant', 'repository', { onNamespace: 1, onTarget: 1 }, [1])).toMatch(/edit/);
    expect(grantRefusal('grant', 'namespace', edit, [1])).toMatch(/manage/);
    expect(grantRefusal('grant', 'namespace', { onNamespace: 7, onTarget: 7 }, [7])).toBeNull();
  });
});
