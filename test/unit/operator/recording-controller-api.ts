/**
 * A recording fake of the API calls the operator's controller makes (ControllerApi): every call is
 * kept as an action, in order, and a status patch answers what the test scripted — by default the
 * Account with the patch applied and its resourceVersion moved on, as the API server would.
 */
import type { AccountResource } from "../../../src/kubernetes/account-resource.ts";
import type { EventInput } from "../../../src/kubernetes/kube-api.ts";
import type { ControllerApi } from "../../../src/operator/account-reconciler.ts";

export type Action =
  | { readonly verb: "patch-status"; readonly name: string; readonly ready: string | undefined }
  | { readonly verb: "event"; readonly type: string; readonly reason: string };

/** What the next status patch does: answer with the patched object (undefined), or fail. */
export type PatchReply = undefined | { readonly status: number };

export class RecordingControllerApi implements ControllerApi {
  readonly actions: Action[] = [];
  /** The patches themselves, for tests that look inside. */
  readonly patches: Array<{ metadata: { resourceVersion?: string }; status: Record<string, unknown> }> = [];
  readonly #replies: PatchReply[] = [];
  #failEvents = false;
  #current: AccountResource;

  constructor(current: AccountResource) {
    this.#current = current;
  }

  /** The next status patches answer these, in order (then they succeed). */
  replyToPatches(...replies: PatchReply[]): this {
    this.#replies.push(...replies);
    return this;
  }

  failEvents(): this {
    this.#failEvents = true;
    return this;
  }

  async patchAccountStatus(_namespace: string, name: string, patch: object): Promise<unknown> {
    const typed = patch as { metadata: { resourceVersion?: string }; status: Record<string, unknown> };
    const conditions = typed.status.conditions as
      | Array<{ type: string; status: string; reason: string }>
      | undefined;
    const ready = conditions?.find((c) => c.type === "Ready");
    this.actions.push({ verb: "patch-status", name, ready: ready && `${ready.status}/${ready.reason}` });
    this.patches.push(typed);
    const reply = this.#replies.shift();
    if (reply !== undefined) throw Object.assign(new Error(`HTTP ${reply.status}`), { code: reply.status });
    const status = Object.fromEntries(Object.entries(typed.status).filter(([, value]) => value !== null));
    const version = String(Number(this.#current.metadata.resourceVersion ?? "0") + 1);
    this.#current = {
      ...this.#current,
      metadata: { ...this.#current.metadata, resourceVersion: version },
      status,
    };
    return this.#current;
  }

  async recordEvent(event: EventInput): Promise<void> {
    this.actions.push({ verb: "event", type: event.type, reason: event.reason });
    if (this.#failEvents) throw Object.assign(new Error("HTTP 500"), { code: 500 });
  }
}
