// Chromium's flags on this machine, shared by playwright.config.ts and xtask/bench/load.mjs
// (webdriver.json has them too, plus --headless=new, for wasm-bindgen-test): no sandbox as root,
// and no background networking, which the closed network would refuse.
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
