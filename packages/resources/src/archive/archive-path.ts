/** `/containers/{id}/archive`, the one engine path of every archive call. */
export function archivePath(containerId: string): string {
  return `/containers/${encodeURIComponent(containerId)}/archive`;
}
