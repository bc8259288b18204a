/** An Account's id across the program: "<namespace>/<name>". */

export function accountId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The "<namespace>/<name>" of an object (an Account, a Secret); no namespace is "default". */
export function objectId(metadata: {
  readonly namespace?: string | undefined;
  readonly name: string;
}): string {
  return accountId(metadata.namespace ?? "default", metadata.name);
}

export function splitAccountId(id: string): { namespace: string; name: string } | undefined {
  const [namespace, name, ...rest] = id.split("/");
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}
