import { DockerError } from '@dockyard/transport';
import { StreamError } from '@dockyard/stream';
import { describe, expect, it } from 'vitest';
import * as dockyard from '../src/index.js';

// Every error class the package exports has its own stable code in the scheme DockerError
// documents (which is what makes `instanceof` hold across two installed copies).
const errorClasses = Object.entries(dockyard).filter(
  ([, value]) => typeof value === 'function' && (value.prototype instanceof DockerError || value === DockerError || value === StreamError),
) as Array<[string, { code: string }]>;

const expectedCode = (name: string) =>
  name === 'DockerError' ? 'DOCKYARD_ERROR' : `DOCKYARD_${name.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;

describe('error codes of everything dockyard exports', () => {
  it('finds the error classes, ContainerError and StreamError among them', () => {
    const names = errorClasses.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['DockerError', 'NotFoundError', 'ContainerError', 'StreamError']));
  });

  it('each has its own code, DOCKYARD_ and its name without Error in upper snake case, none shared', () => {
    for (const [name, cls] of errorClasses) {
      expect(Object.hasOwn(cls, 'code'), name).toBe(true);
      expect(cls.code, name).toBe(expectedCode(name));
    }
    const codes = errorClasses.map(([, cls]) => cls.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
