// `npm run image`: packs dist/grantpool into an OCI image, with no Docker engine and no base image:
// one layer holding the binary, the libc6 files it loads (Debian's, as dpkg installed them here),
// /etc/passwd and /etc/group with the nonroot user 65532, /tmp, a home and the data directory.
// Writes an OCI image layout (dist/image/) and the same as an oci-archive (dist/grantpool-image.tar)
// for `podman load`, `skopeo copy oci-archive:…` or `docker load` (Docker ≥ 25).
//
// Byte-reproducible: every time and owner inside comes from the commit (SOURCE_DATE_EPOCH, else
// the commit time), entries are sorted and the gzip level fixed, so two builds of one commit give
// one manifest digest. Runs `npm run build` first (a no-op when the binary is up to date).
// `--out-dir DIR` writes elsewhere than dist/ (the tests build into temporary directories).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { root } from "./ensure-deps.mjs";
import { ociArchive, ociImage } from "./image/oci-layout.mjs";
import { BINARY_PATH, DATA_DIR, imageRootfs, NONROOT } from "./image/rootfs.mjs";

const USAGE = "usage: node scripts/build-image.mjs [--out-dir DIR]";
const LAYOUT_DIR = "image";
const ARCHIVE = "grantpool-image.tar";
const PROXY_PORT = 8045;
const OPERATOR_METRICS_PORT = 9090;
/** ELF e_machine → the OCI architecture name. */
const ELF_ARCHITECTURES = new Map([
  [62, "amd64"],
  [183, "arm64"],
]);

function parseArgs(argv) {
  if (argv.length === 0) return { outDir: join(root, "dist") };
  if (argv.length === 2 && argv[0] === "--out-dir" && argv[1]) return { outDir: resolve(argv[1]) };
  console.error(`build-image: unexpected arguments ${argv.join(" ")}\n${USAGE}`);
  process.exit(2);
}

function git(args) {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The image's time: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the commit's. */
function sourceDateEpoch() {
  const text = process.env.SOURCE_DATE_EPOCH || git(["log", "-1", "--format=%ct", "HEAD"]);
  const seconds = Number(text);
  if (!text || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new Error("Cannot date the image: set SOURCE_DATE_EPOCH or build inside the git repository");
  }
  return seconds;
}

/** package.json's repository as a browsable URL (npm writes `git+https://….git`). */
function sourceUrl(repository) {
  const url = typeof repository === "string" ? repository : repository?.url;
  if (!url) throw new Error('package.json has no "repository" for org.opencontainers.image.source');
  return url.replace(/^git\+/, "").replace(/\.git$/, "");
}

/** The binary's architecture, from its ELF header (e_machine), so the image says what it runs on. */
function elfArchitecture(binary) {
  const header = Buffer.alloc(20);
  const fd = openSync(binary, "r");
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  const architecture = ELF_ARCHITECTURES.get(header.readUInt16LE(18));
  if (header.readUInt32BE(0) !== 0x7f454c46 || architecture === undefined) {
    throw new Error(`${binary} is not an x86-64 or arm64 ELF binary`);
  }
  return architecture;
}

function imageSettings({ pkg, revision, created }) {
  const annotations = {
    "org.opencontainers.image.title": "grantpool",
    "org.opencontainers.image.description": pkg.description,
    "org.opencontainers.image.version": pkg.version,
    ...(revision === undefined ? {} : { "org.opencontainers.image.revision": revision }),
    "org.opencontainers.image.source": sourceUrl(pkg.repository),
    "org.opencontainers.image.licenses": pkg.license,
    "org.opencontainers.image.created": created,
  };
  const config = {
    User: `${NONROOT.id}:${NONROOT.id}`,
    ExposedPorts: { [`${PROXY_PORT}/tcp`]: {}, [`${OPERATOR_METRICS_PORT}/tcp`]: {} },
    Env: [
      "PATH=/usr/local/bin:/usr/bin:/bin",
      // In a container the proxy must listen beyond loopback to be reached; it then refuses to
      // start without client keys (--api-keys) unless told --auth-mode off.
      "GRANTPOOL_HOST=0.0.0.0",
      `GRANTPOOL_DATA_DIR=${DATA_DIR}`,
    ],
    Entrypoint: [BINARY_PATH],
    Cmd: ["proxy"],
    WorkingDir: NONROOT.home,
    Labels: annotations,
    StopSignal: "SIGTERM",
  };
  return { annotations, config };
}

function formatSize(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Writes into a fresh directory beside `finalPath`, then swaps it in: never half an image there. */
function writeLayout(files, finalPath) {
  const work = mkdtempSync(join(dirname(finalPath), ".image-"));
  chmodSync(work, 0o755); // mkdtemp makes it private
  for (const [path, data] of files) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), data);
  }
  rmSync(finalPath, { recursive: true, force: true });
  renameSync(work, finalPath);
}

function writeArchive(chunks, finalPath) {
  const temporary = `${finalPath}.${process.pid}`;
  const fd = openSync(temporary, "w");
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, finalPath);
}

function main() {
  const { outDir } = parseArgs(process.argv.slice(2));
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  if (build.status !== 0) return 1;

  const started = Date.now();
  const binary = join(root, "dist", "grantpool");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const mtime = sourceDateEpoch();
  const created = new Date(mtime * 1000).toISOString().replace(/\.000Z$/, "Z");
  const { annotations, config } = imageSettings({ pkg, revision: git(["rev-parse", "HEAD"]), created });
  const { libcVersion, entries } = imageRootfs({ binary, mtime });
  const image = ociImage({
    architecture: elfArchitecture(binary),
    os: "linux",
    created,
    config,
    annotations,
    refName: `localhost/grantpool:${pkg.version}`,
    entries,
  });

  mkdirSync(outDir, { recursive: true });
  const layoutPath = join(outDir, LAYOUT_DIR);
  const archivePath = join(outDir, ARCHIVE);
  writeLayout(image.files, layoutPath);
  writeArchive(ociArchive(image.files, mtime), archivePath);
  const shown = (path) => relative(process.cwd(), path) || ".";
  console.log(
    `${shown(layoutPath)}, ${shown(archivePath)}: grantpool ${pkg.version} with libc6 ${libcVersion}, ` +
      `${formatSize(image.layerSize)} compressed, ${formatSize(image.tarSize)} unpacked, ` +
      `built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`manifest ${image.digest}`);
  return 0;
}

try {
  process.exit(main());
} catch (error) {
  console.error(`build-image: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
