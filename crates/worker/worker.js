// Azimuth's Web Worker (see src/lib.rs).
// {task: "profile", blob, jsonLines, delimiter, header, encoding} is answered
// {ok: <the profile's JSON>} or {error: <why>}.
// {task: "automl", job, taskJson, nodes, train, valid?, test? (each {blob, name, mltable?})}
// is answered as it trains: {kind: "event", payload: <an event's JSON>} for each step,
// {kind: "file/<name>", payload: <bytes>} for each file of the best model, then
// {kind: "end", payload: <the outcome or halt, as JSON>}, or {kind: "error", payload: <why>}.
import init, { automl, profile } from "./azimuth-worker.js";

const ready = init({ module_or_path: new URL("azimuth-worker_bg.wasm", import.meta.url) });

onmessage = async ({ data }) => {
  try {
    await ready;
    if (data.task === "profile") {
      postMessage({ ok: profile(data.blob, data.jsonLines, data.delimiter, data.header, data.encoding ?? 'utf8') });
    } else if (data.task === "automl") {
      const post = (kind, payload) => postMessage({ kind, payload });
      const end = automl(data.job, data.taskJson, data, data.nodes ?? 1, post);
      post("end", end);
    } else {
      throw new Error(`unknown task ${data.task}`);
    }
  } catch (e) {
    const why = String((e && e.message) || e);
    postMessage(data.task === "automl" ? { kind: "error", payload: why } : { error: why });
  }
};
