/** The `code` of a failed file-system call (`ENOENT`, `EEXIST`, …), when it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
