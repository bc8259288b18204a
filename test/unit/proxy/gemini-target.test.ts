import { describe, expect, test } from "bun:test";
import { methodTarget, modelTarget } from "../../../src/proxy/gemini-target.ts";

describe("methodTarget", () => {
  test("reads {model}:{action} under /v1beta and /v1, decoding the model once", () => {
    expect(methodTarget("/v1beta/models/gemini-2.5-flash:generateContent")).toEqual({
      model: "gemini-2.5-flash",
      action: "generateContent",
    });
    expect(methodTarget("/v1/models/gemini-embedding-001:batchEmbedContents")).toEqual({
      model: "gemini-embedding-001",
      action: "batchEmbedContents",
    });
    expect(methodTarget("/v1/models/a%252Fb:embedContent")).toEqual({
      model: "a%2Fb",
      action: "embedContent",
    });
  });

  test("an unknown method is not found; a bad name is a bad request naming the rule", () => {
    expect(methodTarget("/v1/models/m:fly")).toMatchObject({ kind: "not_found" });
    expect(methodTarget("/v1/models/:generateContent")).toMatchObject({ kind: "not_found" });
    expect(methodTarget("/v1/models/a%2Fb:generateContent")).toMatchObject({ kind: "bad_request" });
    expect(methodTarget("/v1/models/%E0%A4%A:countTokens")).toMatchObject({
      kind: "bad_request",
      message: expect.stringContaining("percent-encoding"),
    });
  });
});

describe("modelTarget", () => {
  test("reads the model of models.get, and refuses a method there", () => {
    expect(modelTarget("/v1beta/models/gemini-2.5-pro")).toEqual({ model: "gemini-2.5-pro" });
    expect(modelTarget("/v1/models/gemini-2.5-pro:generateContent")).toMatchObject({ kind: "not_found" });
    expect(modelTarget("/v1/models/")).toMatchObject({ kind: "bad_request" });
  });
});
