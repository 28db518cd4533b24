import type { ContainerInfo, LogRecord } from './follow-all.js';

/** The fields of Docker's log tag templates this package knows. */
const TAG_FIELDS: Record<string, (c: ContainerInfo) => string> = {
  ID: (c) => c.id.slice(0, 12),
  FullID: (c) => c.id,
  Name: (c) => c.name,
  ImageName: (c) => c.image,
  // The engine cuts the image ID string (`sha256:…`) at 12 characters, prefix included.
  ImageID: (c) => c.imageId.slice(0, 12),
  ImageFullID: (c) => c.imageId,
  DaemonName: () => 'docker',
};

const FIELD = /\{\{\s*\.(\w+)\s*\}\}/g;

/** The fluentd driver's default tag template. */
export const DEFAULT_TAG = '{{.ID}}';

/** Checks a tag template: every `{{.Field}}` must be one of the driver's. */
export function checkTagTemplate(template: string): void {
  for (const match of template.matchAll(FIELD)) {
    if (!Object.hasOwn(TAG_FIELDS, match[1] as string)) {
      throw new TypeError(`tag template ${JSON.stringify(template)}: unknown field {{.${match[1]}}} (known: ${Object.keys(TAG_FIELDS).join(', ')})`);
    }
  }
}

/** Expands a tag template for a container, as the engine's log drivers do. */
export function expandTag(template: string, container: ContainerInfo): string {
  return template.replace(FIELD, (_all, field: string) => (TAG_FIELDS[field] as (c: ContainerInfo) => string)(container));
}

/** The driver's `labels`, `labels-regex`, `env` and `env-regex` options. */
export interface ExtraAttributeOptions {
  labels?: string[];
  labelsRegex?: string;
  env?: string[];
  envRegex?: string;
}

/** The extra fields the driver adds from labels and environment variables. */
export function extraAttributes(container: ContainerInfo, options: ExtraAttributeOptions): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const key of options.labels ?? []) if (Object.hasOwn(container.labels, key)) extra[key] = container.labels[key] as string;
  if (options.labelsRegex) {
    const re = new RegExp(options.labelsRegex);
    for (const [key, value] of Object.entries(container.labels)) if (re.test(key)) extra[key] = value;
  }
  if (options.env || options.envRegex) {
    const env = new Map<string, string>();
    for (const entry of container.env) {
      const eq = entry.indexOf('=');
      if (eq >= 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    for (const key of options.env ?? []) if (env.has(key)) extra[key] = env.get(key) as string;
    if (options.envRegex) {
      const re = new RegExp(options.envRegex);
      for (const [key, value] of env) if (re.test(key)) extra[key] = value;
    }
  }
  return extra;
}

/**
 * The record Docker's fluentd driver sends for a line: `container_id`, `container_name` (with
 * its leading `/`), `source` and `log`, then the extra attributes (which win on a clash, as there).
 */
export function driverRecord(record: LogRecord, extra: Record<string, string> | undefined): Record<string, string> {
  const data: Record<string, string> = {
    container_id: record.container.id,
    container_name: `/${record.container.name}`,
    source: record.stream,
    log: record.log,
  };
  return extra ? Object.assign(data, extra) : data;
}
