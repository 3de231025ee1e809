// wasm-opt -Oz on many modules in one process: binaryen's own JavaScript API (the npm
// package `cargo xtask setup` installs), loaded once, rather than its `bin/wasm-opt` started
// once per module, which spends about 1.2 s of each run loading binaryen into node (the main
// module and some 50 pages). The same passes and features as
// `wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
// --enable-reference-types --enable-multivalue --enable-mutable-globals`, with the binary
// written from optimized Stack IR as the command line writes it: the output was byte for byte
// the same on the studio's modules (checked when this was written, binaryen 132). A page's
// module also gets `--directize` first, told that the table slots its own segments fill keep
// their functions (see below).
// Then the `producers` and `target_features` sections go (`--strip-producers
// --strip-target-features`): no browser reads them, and when a page was a file of 261 modules
// it carried 261 copies, which cost 2,022 of its 63,538 bytes brotli (the Compute instances page).
//
//     node xtask/wasm_opt.mjs <module.wasm>...   (each optimized in place)
import { readFileSync, writeFileSync } from 'node:fs';
import binaryen from 'binaryen';

const F = binaryen.Features;
const features = F.BulkMemory | F.BulkMemoryOpt | F.NontrappingFPToInt | F.SignExt
  | F.ReferenceTypes | F.CallIndirectOverlong | F.Multivalue | F.MutableGlobals;
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
binaryen.setDebugInfo(false);
// As the command line does when it optimizes: the binary is written from optimized Stack IR.
binaryen.setGenerateStackIR(true);
binaryen.setOptimizeStackIR(true);
function importsItsTable(module) {
  return module.getNumTables() > 0
    && binaryen.getTableInfo(module.getTableByIndex(0)).module !== '';
}

for (const file of process.argv.slice(2)) {
  const module = binaryen.readBinary(readFileSync(file), features);
  if (!module.validate()) throw new Error(`${file}: not a valid module`);
  // A page's module (`xtask/src/merge.rs`) imports the main module's table, and the slots its
  // own segments fill keep those functions (or another page's copy of them: the build refuses
  // two chunks that fill one slot, and a chunk that changes the table): a call through such a
  // slot becomes a direct call, before -Oz inlines and folds. Calls through the other slots
  // (into the main module, or a part's page) stay as they are.
  binaryen.clearPassArguments();
  if (importsItsTable(module)) {
    binaryen.setPassArgument('directize-initial-contents-immutable', 'true');
    module.runPasses(['directize']);
  }
  module.optimize();
  module.runPasses(['strip-producers', 'strip-target-features']);
  writeFileSync(file, module.emitBinary());
  module.dispose();
}
