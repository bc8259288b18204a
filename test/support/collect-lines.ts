/** A child process's output, split into its non-empty lines as they arrive (the last one too). */
export async function collectLines(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    into.push(...lines.filter((line) => line !== ""));
  }
  if (buffer !== "") into.push(buffer);
}
