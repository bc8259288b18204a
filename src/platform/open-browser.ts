/** Opens a URL in the user's browser, best effort: a headless machine just keeps the printed URL. */
import { spawn } from "node:child_process";

export function openBrowser(url: string): void {
  const command =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", "", url]
        : ["xdg-open", url];
  try {
    const child = spawn(command[0] ?? "", command.slice(1), { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No opener on this machine: the URL is printed for the user to open.
  }
}
