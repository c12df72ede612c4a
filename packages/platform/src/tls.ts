import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import { Logger } from '@nestjs/common';
import { ConfigError, type WharfConfig } from './config';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

const read = (path: string, variable: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read ${path}: ${(error as Error).message}`]);
  }
};

/** The certificate and key both HTTP ports serve, read from WHARF_TLS_CERT / WHARF_TLS_KEY; undefined for plain HTTP. */
export const readTlsFiles = (config: Pick<WharfConfig, 'tls'>): TlsFiles | undefined =>
  config.tls ? { cert: read(config.tls.certPath, 'WHARF_TLS_CERT'), key: read(config.tls.keyPath, 'WHARF_TLS_KEY') } : undefined;

/** Start-up's check that the certificate and key can be read and fit together; a ConfigError names the variables. */
export const checkTlsFiles = (config: Pick<WharfConfig, 'tls'>): void => {
  const files = readTlsFiles(config);
  if (!files) return;
  try {
    createSecureContext(files);
  } catch (error) {
    throw new ConfigError([`WHARF_TLS_CERT, WHARF_TLS_KEY: not a usable certificate and private key: ${(error as Error).message}`]);
  }
};

/** `http` or `https`, as the HTTP ports serve. */
export const httpScheme = (config: Pick<WharfConfig, 'tls'>): 'http' | 'https' => (config.tls ? 'https' : 'http');

/**
 * Reads the certificate and key again on SIGHUP and serves them to new connections, without closing the listener
 * or the connections already open. A pair that cannot be read or does not fit together is logged and the
 * server keeps the one it has. Stops listening for the signal when the server closes.
 */
export const reloadTlsOnHangup = (server: HttpsServer, config: Pick<WharfConfig, 'tls'>, name: string): void => {
  if (!config.tls) return;
  const logger = new Logger(name);
  const reload = () => {
    try {
      const files = readTlsFiles(config)!;
      server.setSecureContext(files);
      logger.log(`TLS certificate reloaded from ${config.tls!.certPath}`);
    } catch (error) {
      logger.error(`TLS certificate not reloaded, still serving the previous one: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  process.on('SIGHUP', reload);
  server.once('close', () => process.off('SIGHUP', reload));
};
