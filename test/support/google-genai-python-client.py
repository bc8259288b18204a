"""Google's Python SDK (google-genai) with its default settings, pointed at grantpool.

Run by test/integration/sdks/google-genai-python.test.ts with the proxy's URL and a client key in
the environment (GRANTPOOL_URL, GRANTPOOL_KEY); only base_url and the key are set, nothing else
(no api_version: the SDK's default is what is tested). Prints one JSON object on stdout naming
what each call returned; any exception ends the script with its message on stderr.
"""

import json
import os

from google import genai

client = genai.Client(
    api_key=os.environ["GRANTPOOL_KEY"],
    http_options={"base_url": os.environ["GRANTPOOL_URL"]},
)
result = {}

reply = client.models.generate_content(model="gemini-2.5-flash", contents="hello")
result["generate"] = reply.text

result["stream"] = [
    chunk.text for chunk in client.models.generate_content_stream(model="gemini-2.5-flash", contents="hello")
]

result["count"] = client.models.count_tokens(model="gemini-2.5-flash", contents="hello there").total_tokens

result["list"] = [model.name for model in client.models.list()]

model = client.models.get(model="gemini-2.5-pro")
result["get"] = {"name": model.name, "display_name": model.display_name}

embedded = client.models.embed_content(
    model="gemini-embedding-001",
    contents=["first text", "second text"],
    config={"output_dimensionality": 8},
)
result["embed"] = [len(embedding.values) for embedding in embedded.embeddings]

print(json.dumps(result))
