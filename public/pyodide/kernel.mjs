// The "Python (in this browser)" kernel: Pyodide (CPython compiled to WebAssembly, npm
// `pyodide`, served from the studio's own files) in a module Worker, started only when a
// notebook first runs a cell here. It runs the standard library and pure-Python code; numpy,
// pandas and scikit-learn are not available (no registry here has their Pyodide wheels).
//
// Messages in:  {type: "execute", id, code}
// Messages out: {type: "ready", version} once started, or {type: "failed", message};
//               {type: "output", id, output} for each nbformat output as it comes;
//               {type: "reply", id, status, executionCount} when the cell is done.
// Interrupt and restart are the page's: it ends this Worker and starts another.

import { loadPyodide } from "./pyodide.mjs";

// Runs a cell as IPython does: every statement, then the value of a last expression shown.
const HARNESS = `
import ast, sys, traceback

def _azimuth_run(source, filename):
    namespace = sys.modules["__main__"].__dict__
    try:
        tree = ast.parse(source, filename, "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, filename, "eval"), namespace)
            if value is not None:
                namespace["_"] = value
                return ["ok", repr(value)]
        return ["ok", None]
    except BaseException as error:
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        # The harness's own frame is not the person's code; each entry is one line of the
        # traceback as Jupyter sends them (the studio joins them with newlines).
        kept = [l.rstrip("\\n") for l in lines if "_azimuth_run" not in l]
        return ["error", type(error).__name__, str(error), kept]
`;

let pyodide = null;
let count = 0;

function send(message) {
  self.postMessage(message);
}

async function start() {
  try {
    const base = new URL("./", import.meta.url).href;
    pyodide = await loadPyodide({ indexURL: base, packages: [] });
    pyodide.runPython(HARNESS);
    send({ type: "ready", version: pyodide.version });
  } catch (error) {
    send({ type: "failed", message: String(error && error.message ? error.message : error) });
  }
}

function stream(id, name) {
  return {
    batched: (text) => send({ type: "output", id, output: { output_type: "stream", name, text: text + "\n" } }),
  };
}

async function execute(id, code) {
  count += 1;
  const executionCount = count;
  pyodide.setStdout(stream(id, "stdout"));
  pyodide.setStderr(stream(id, "stderr"));
  const run = pyodide.globals.get("_azimuth_run");
  try {
    await pyodide.loadPackagesFromImports(code).catch(() => {});
    const result = run(code, `<cell ${executionCount}>`);
    const [status, ...rest] = result.toJs();
    result.destroy();
    if (status === "ok") {
      if (rest[0] !== undefined && rest[0] !== null) {
        const data = { "text/plain": rest[0] };
        send({ type: "output", id, output: { output_type: "execute_result", execution_count: executionCount, data, metadata: {} } });
      }
    } else {
      const [ename, evalue, traceback] = rest;
      send({ type: "output", id, output: { output_type: "error", ename, evalue, traceback } });
    }
    send({ type: "reply", id, status, executionCount });
  } catch (error) {
    const evalue = String(error && error.message ? error.message : error);
    send({ type: "output", id, output: { output_type: "error", ename: "KernelError", evalue, traceback: [] } });
    send({ type: "reply", id, status: "error", executionCount });
  } finally {
    run.destroy();
  }
}

self.onmessage = (event) => {
  const message = event.data;
  if (message && message.type === "execute") {
    execute(message.id, String(message.code));
  }
};

start();
