import { describe, expect, test } from "bun:test";
import { machineCpuOf } from "../../../bench/support/process-cpu.ts";

describe("the machine's CPU as the bench reads it", () => {
  test("time the hypervisor stole is counted apart, neither busy nor idle", () => {
    // user nice system idle iowait irq softirq steal guest guest_nice, at 100 ticks a second
    const cpu = machineCpuOf("cpu  100 0 50 800 10 0 20 30 0 0", 100);
    expect(cpu).toEqual({ busyMs: 1700, stealMs: 300, totalMs: 10_100 });
  });

  test("a kernel without a steal column reads as nothing stolen", () => {
    expect(machineCpuOf("cpu  100 0 50 800 10 0 20", 100)).toEqual({
      busyMs: 1700,
      stealMs: 0,
      totalMs: 9800,
    });
  });
});
