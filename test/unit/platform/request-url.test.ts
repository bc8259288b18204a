import { describe, expect, test } from "bun:test";
import { admitRequest, plainRefusal } from "../../../src/platform/request-gate.ts";
import { rememberUrl, requestUrl } from "../../../src/platform/request-url.ts";

describe("requestUrl", () => {
  test("hands out the URL remembered for the request, not a new parse", () => {
    const request = new Request("http://127.0.0.1/v1beta/models/m:streamGenerateContent?alt=sse");
    const url = new URL(request.url);
    rememberUrl(request, url);
    expect(requestUrl(request)).toBe(url);
  });

  test("parses a request it was not told about once, and keeps that parse", () => {
    const request = new Request("http://127.0.0.1/a?b=c");
    const first = requestUrl(request);
    expect(first.pathname).toBe("/a");
    expect(first.searchParams.get("b")).toBe("c");
    expect(requestUrl(request)).toBe(first);
    expect(requestUrl(new Request(request.url))).not.toBe(first);
  });

  test("the request gate's parse is the one the handlers get: the URL is parsed once per request", () => {
    const RealUrl = URL;
    let parses = 0;
    globalThis.URL = class extends RealUrl {
      constructor(url: string | URL, base?: string | URL) {
        super(url, base);
        parses++;
      }
    };
    try {
      const request = new Request("http://127.0.0.1:8045/v1beta/models/m:generateContent?key=k");
      const admission = admitRequest(request, plainRefusal);
      expect(admission.ok).toBe(true);
      if (admission.ok) expect(requestUrl(admission.request).search).toBe("?key=k");
      expect(parses).toBe(1);
    } finally {
      globalThis.URL = RealUrl;
    }
  });
});
