/**
 * The Kubernetes store's edge to the AccountStore error contract: a failed API call leaves the
 * store as StoreError STORE_IO, its message saying what failed and the call's status (never a
 * body), the API error kept as `cause` (pending-writes.ts reads the status through it).
 */
import { describeKubeError } from "../../kubernetes/kube-api.ts";
import { isStoreError, StoreError } from "../store-error.ts";

/** `error` as the store raises it: a StoreError as it is, anything else as STORE_IO "`action`: why". */
export function kubeStoreError(action: string, error: unknown, accountId?: string): StoreError {
  if (isStoreError(error)) return error;
  return new StoreError("STORE_IO", `${action}: ${describeKubeError(error)}`, accountId, { cause: error });
}
