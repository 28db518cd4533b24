import { readFileSync } from 'node:fs';

// Read once at load from the package's own package.json, which sits one level above both
// src/ (tests) and dist/ (the build).
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** This package's version, from its package.json. */
export const TRANSPORT_VERSION: string = packageVersion();

/** The `User-Agent` every request carries unless the caller sets its own: `dockyard/<version>`. */
export const DEFAULT_USER_AGENT: string = `dockyard/${TRANSPORT_VERSION}`;
