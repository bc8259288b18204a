/** Quota protection as the settings configure it (accounts/quota.ts): off at 0 percent. */
import type { QuotaPolicy } from "../accounts/quota.ts";
import type { Settings } from "./setting-table.ts";

export function quotaPolicyOf(settings: Settings): QuotaPolicy | undefined {
  if (settings.quotaProtectionPercent === 0) return undefined;
  return { thresholdPercent: settings.quotaProtectionPercent, groups: settings.quotaProtectionGroups };
}
