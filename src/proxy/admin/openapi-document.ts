/**
 * The small part of OpenAPI 3.1 that the admin document uses, as types, so that a misspelt member
 * of the hand-written paths fails the type check; the component schemas are generated
 * (admin-openapi-schemas.ts). Kept here rather than taken from the `openapi-types` package, which
 * is only a transitive dependency of elysia.
 */
import type { JsonSchema as GeneratedSchema } from "@valibot/to-json-schema";

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), or a reference to one in the components. */
export type JsonSchema =
  | { readonly $ref: string; readonly description?: string }
  | {
      readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
      readonly description?: string;
      readonly format?: string;
      readonly enum?: readonly string[];
      readonly minLength?: number;
      readonly maxLength?: number;
      readonly properties?: Readonly<Record<string, JsonSchema>>;
      readonly required?: readonly string[];
      readonly additionalProperties?: boolean;
      readonly items?: JsonSchema;
      readonly examples?: readonly unknown[];
    };

export interface MediaType {
  readonly schema: JsonSchema;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
  readonly content?: Readonly<Record<string, MediaType>>;
}

export type Ref = { readonly $ref: string };

export interface OpenApiParameter {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly (OpenApiParameter | Ref)[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly description?: string;
    readonly content: Readonly<Record<string, MediaType>>;
  };
  readonly responses: Readonly<Record<string, OpenApiResponse | Ref>>;
}

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type OpenApiPathItem = { readonly [M in HttpMethod]?: OpenApiOperation };

export interface OpenApiDocument {
  readonly openapi: "3.1.0";
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly tags?: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components: {
    readonly securitySchemes: Readonly<
      Record<
        string,
        | { readonly type: "http"; readonly scheme: "bearer"; readonly description: string }
        | {
            readonly type: "apiKey";
            readonly in: "header";
            readonly name: string;
            readonly description: string;
          }
      >
    >;
    readonly schemas: Readonly<Record<string, GeneratedSchema>>;
    readonly parameters?: Readonly<Record<string, OpenApiParameter>>;
    readonly responses?: Readonly<Record<string, OpenApiResponse>>;
  };
}
