/**
 * The emulated model's side of one tool round trip with Claude Code (agent-turns.ts): asked for the
 * marker, the model calls the Bash tool Claude Code declares. Any other call (a side call for a
 * title, a quota check) gets a plain text.
 */
import { type ShellCommandRoundTrip, shellCommandRoundTrip } from "./agent-turns.ts";

export type BashRoundTrip = ShellCommandRoundTrip;

export function bashRoundTrip(): BashRoundTrip {
  return shellCommandRoundTrip({
    tool: "Bash",
    args: (command) => ({ command, description: "Print the marker" }),
  });
}
