// Azimuth's Web Worker (see src/lib.rs): a message {task: "profile", blob, jsonLines,
// delimiter, header, encoding} is answered {ok: <the result's JSON>} or {error: <why>}.
import init, { profile } from "./azimuth-worker.js";

const ready = init({ module_or_path: new URL("azimuth-worker_bg.wasm", import.meta.url) });

onmessage = async ({ data }) => {
  try {
    await ready;
    if (data.task !== "profile") throw new Error(`unknown task ${data.task}`);
    postMessage({ ok: profile(data.blob, data.jsonLines, data.delimiter, data.header, data.encoding ?? 'utf8') });
  } catch (e) {
    postMessage({ error: String((e && e.message) || e) });
  }
};
