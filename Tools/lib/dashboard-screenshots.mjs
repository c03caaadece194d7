// Drives headless Chromium over the DevTools protocol for Tools/dashboard-screenshots: logs in through the real
// login form (so the origin check and the cookie are exercised as a browser does), opens each dashboard page and
// saves a full-page PNG. Needs node >= 20 with --experimental-websocket.
//
//     node --experimental-websocket dashboard-screenshots.mjs DEVTOOLS_PORT BASE_URL TOKENS.json OUT_DIR
import { writeFileSync } from "node:fs";

const [port, base, tokensFile, out] = process.argv.slice(2);
const tokens = JSON.parse(await (await import("node:fs/promises")).readFile(tokensFile, "utf8"));

const target = await (await fetch(`http://127.0.0.1:${port}/json/new?about:blank`, { method: "PUT" })).json();
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
let nextId = 1;
const pending = new Map();
const waiters = [];
socket.onmessage = (message) => {
  const data = JSON.parse(message.data);
  if (data.id && pending.has(data.id)) {
    const { resolve, reject } = pending.get(data.id);
    pending.delete(data.id);
    data.error ? reject(new Error(JSON.stringify(data.error))) : resolve(data.result);
  } else if (data.method) {
    for (const waiter of waiters.splice(0)) { waiter.method === data.method ? waiter.resolve(data) : waiters.push(waiter); }
  }
};
const send = (method, params = {}) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  socket.send(JSON.stringify({ id, method, params }));
});
const event = (method) => new Promise((resolve) => waiters.push({ method, resolve }));
const evaluate = async (expression) =>
  (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })).result.value;

await send("Page.enable");
await send("Runtime.enable");
await send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });

async function open(url) {
  const loaded = event("Page.loadEventFired");
  await send("Page.navigate", { url });
  await loaded;
}

async function login(role) {
  await send("Network.clearBrowserCookies").catch(() => {});
  await open(`${base}/ui/login`);
  const loaded = event("Page.loadEventFired");
  await evaluate(`document.getElementById("token").value = ${JSON.stringify(tokens[role])};
    document.querySelector("form.login").submit(); true`);
  await loaded;
  const path = await evaluate("location.pathname");
  if (path !== "/ui") { throw new Error(`login as ${role} ended on ${path}`); }
}

async function shoot(name) {
  const { cssContentSize } = await send("Page.getLayoutMetrics");
  const height = Math.min(Math.ceil(cssContentSize.height), 6000);
  const shot = await send("Page.captureScreenshot", {
    format: "png", captureBeyondViewport: true,
    clip: { x: 0, y: 0, width: 1280, height, scale: 1 },
  });
  writeFileSync(`${out}/${name}.png`, Buffer.from(shot.data, "base64"));
  const status = await evaluate("document.title");
  console.log(`${name}.png  ${height}px  «${status}»`);
}

const firstLink = (selector) => evaluate(`document.querySelector(${JSON.stringify(selector)})?.href ?? null`);

await send("Network.enable");
await open(`${base}/ui/login`);
await shoot("01-login");

await login("evaluator");
await open(`${base}/ui/programmes`);
const programme = await firstLink("ul.cards a");
if (!programme) { throw new Error("no programme listed"); }
// The default period: six months up to the newest recorded activity (the demo centre's generated months).
await open(programme);
await shoot("02-programme-dashboard");
await open(`${programme}?lang=en`);
await shoot("03-programme-dashboard-en");
await open(`${base}/ui/plans?lang=pl`);
await shoot("04-forbidden-evaluator-plans");

await login("coordinator");
await open(`${base}/ui/plans`);
await shoot("05-plans-coordinator");
const plan = await firstLink("table a.code");
if (!plan) { throw new Error("the coordinator has no plan"); }
await open(plan);
await shoot("06-plan");

await login("servicesOrganiser");
await open(`${base}/ui/providers`);
await shoot("07-providers-organiser");

await login("providerStaff");
await open(`${base}/ui/providers`);
await shoot("08-providers-own");

await login("operator");
await open(`${base}/ui/ledger`);
await shoot("09-ledger");

socket.close();
