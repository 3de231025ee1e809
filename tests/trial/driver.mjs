import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../chromium.mjs';
import http from 'node:http';
const port = Number(process.argv[2] || 9400);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const ctxs = {};
const pages = {};
const logs = [];
async function getPage(name, vw = 1280, vh = 800) {
  if (!pages[name]) {
    const ctx = await browser.newContext({ viewport: { width: vw, height: vh } });
    ctxs[name] = ctx;
    const p = await ctx.newPage();
    p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${name}] ${m.type()}: ${m.text()}`); });
    p.on('pageerror', (e) => logs.push(`[${name}] pageerror: ${e.message}`));
    p.on('dialog', (d) => { logs.push(`[${name}] js-dialog: ${d.message()}`); d.dismiss(); });
    pages[name] = p;
  }
  return pages[name];
}
const shot = async (p, file, full = false) => { await p.screenshot({ path: `/tmp/trial-shots/${file}.png`, fullPage: full }); return file; };
http.createServer(async (req, res) => {
  let body = '';
  for await (const c of req) body += c;
  try {
    const fn = new Function('ctx', `return (async () => { const {getPage, shot, browser, pages, ctxs, logs} = ctx; ${body} })()`);
    const out = await fn({ getPage, shot, browser, pages, ctxs, logs });
    const l = logs.splice(0);
    res.end(JSON.stringify({ out, logs: l }, null, 1));
  } catch (e) {
    const l = logs.splice(0);
    res.end(JSON.stringify({ error: String(e && e.stack || e).slice(0, 3000), logs: l }, null, 1));
  }
}).listen(port, '127.0.0.1', () => console.log('driver on', port));
