/** An Account's id across the program: "<namespace>/<name>". */

export function accountId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function splitAccountId(id: string): { namespace: string; name: string } | undefined {
  const [namespace, name, ...rest] = id.split("/");
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}
