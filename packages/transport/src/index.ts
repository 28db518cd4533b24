// Public surface of this package: re-exports only.
export {};
