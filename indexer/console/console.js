// The regulators' console: one page whose views (overview, alerts, device, record, search) read
// the information server's API. It holds no key: actions on chain are calls prepared by the
// server for the regulator to sign in Polkadot-JS Apps. Everything from the index is put on the
// page as text (textContent), never as markup.
//
// Each view sets `document.body.dataset.view` to its name once everything it shows has loaded,
// which is what the browser test waits for.
"use strict";

// ---- words ----------------------------------------------------------------------------------

// The page's `?lang=zh|en` first (a link in one language), then the reader's last choice, then
// the browser's.
let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("cinechain-lang")
  || (navigator.language.startsWith("zh") ? "zh" : "en");
if (!window.STRINGS[lang]) lang = "en";

function t(key, values) {
  let text = (window.STRINGS[lang] && window.STRINGS[lang][key]) || window.STRINGS.en[key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
  return text;
}

const UNITS = {
  device_overlap: "ms", hall_overlap: "ms", short_screening: "ms", clock_ahead: "ms", late_upload: "ms",
  projectionist_two_places: "ms", impossible_travel: "kmh", off_site: "m", backfill: "count", hall_spike: "count",
  outside_hours: "minute", silent_device: "days",
};
const RULES = Object.keys(UNITS);

function duration(ms) {
  const s = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (ms < 0 ? "-" : "") + (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
}

function figure(rule, n) {
  const unit = UNITS[rule];
  if (unit === "ms") return duration(n);
  if (unit === "minute") return String(Math.floor(n / 60)).padStart(2, "0") + ":" + String(n % 60).padStart(2, "0");
  return t("unit_" + unit, { n: n.toLocaleString() });
}

function time(ms) {
  return ms ? new Date(ms).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB") : "—";
}

function degrees(micro) {
  return micro === null || micro === undefined ? null : micro / 1e6;
}

// ---- the page -------------------------------------------------------------------------------

// An element with attributes and children (strings become text nodes).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function link(href, text, attrs) {
  return el("a", Object.assign({ href }, attrs || {}), text);
}

function recordLink(device, seq) {
  return link("#/record/" + device + "/" + seq, device + "/" + seq, { "data-record": device + "/" + seq });
}

function table(headers, rows, attrs) {
  return el("table", attrs, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
}

function fields(pairs) {
  return el("dl", { class: "fields" }, pairs.flatMap(([name, value, id]) =>
    [el("dt", {}, name), el("dd", id ? { "data-field": id } : {}, value === null || value === undefined || value === "" ? "—" : value)]));
}

function card(label, value, id) {
  return el("div", { class: "card" }, el("div", { class: "label" }, label), el("div", { class: "value", "data-figure": id }, value));
}

class ApiFailure extends Error {
  constructor(status, reason) { super(reason); this.status = status; }
}

// The API's answer as the server wrote it (a proof is verified byte for byte), or an ApiFailure
// with the server's reason.
async function apiText(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  if (!response.ok) {
    let reason = response.statusText;
    try { reason = JSON.parse(text).error || reason; } catch (e) { /* not JSON */ }
    throw new ApiFailure(response.status, reason);
  }
  return text;
}

async function api(path, options) {
  const text = await apiText(path, options);
  try { return JSON.parse(text); } catch (e) { return null; }
}

const charts = [];
function chart(attrs, option) {
  const box = el("div", Object.assign({ class: "chart" }, attrs));
  // Drawn once the box is in the page (ECharts measures it).
  requestAnimationFrame(() => {
    const c = echarts.init(box, null, { renderer: "svg" });
    c.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 60, right: 20, top: 40, bottom: 40 } }, option));
    charts.push(c);
  });
  return box;
}

// "More": the next page of `path?query` after `cursor`, its rows (made by `rows`) added to
// `list`'s body; none on the last page.
function moreButton(path, query, cursor, list, rows) {
  if (!cursor) return null;
  return el("button", { class: "more", onclick: async (e) => {
    const next = await api(path + "?" + new URLSearchParams([...query, ["cursor", cursor]]));
    list.querySelector("tbody").append(...rows(next.items));
    e.target.replaceWith(moreButton(path, query, next.nextCursor, list, rows) || "");
  } }, t("more"));
}

function section(title, ...children) {
  return el("section", {}, el("h2", {}, title), ...children);
}

// ---- views ----------------------------------------------------------------------------------

async function overview() {
  const o = await api("/overview");
  let forecast = null;
  try { forecast = await api("/forecast"); } catch (e) { if (!(e instanceof ApiFailure && e.status === 503)) throw e; }
  const open = Object.values(o.openAlerts).reduce((a, b) => a + b, 0);
  const page = [
    el("div", { class: "cards" },
      card(t("screenings_today"), o.screeningsToday.toLocaleString(), "screenings-today"),
      card(t("devices_active"), (o.devices.Active || 0).toLocaleString(), "devices-active"),
      card(t("devices_silent", { hours: Math.round(o.silentAfterMs / 3600000) }), o.silentDevices.toLocaleString(), "devices-silent"),
      el("a", { href: "#/alerts?open=true", class: "card-link" }, card(t("open_alerts"), open.toLocaleString(), "open-alerts"))),
    el("p", { class: "muted" }, t("indexed_block") + " #" + (o.indexedBlock ?? "—") + " · " + time(o.indexedTime)),
  ];
  if (!o.days.length) return [...page, el("p", {}, t("no_data"))];

  const dates = o.days.map((d) => d.date);
  const series = [{ name: t("actual"), type: "bar", data: o.days.map((d) => d.screenings) }];
  let note = el("p", { class: "muted", "data-forecast": "none" }, t("forecast_unavailable"));
  if (forecast) {
    // The forecast starts the day after the last complete one, which is usually today (still
    // counting): each value goes on its own date.
    for (const f of forecast.forecast) if (!dates.includes(f.date)) dates.push(f.date);
    const on = (value) => dates.map((d) => { const f = forecast.forecast.find((x) => x.date === d); return f ? value(f) : null; });
    series.push({ name: t("forecast"), type: "line", data: on((f) => Math.round(f.screenings * 10) / 10) });
    series.push({ name: t("baseline"), type: "line", lineStyle: { type: "dashed" }, data: on((f) => f.baseline) });
    note = el("p", { class: "muted", "data-forecast": "shown" }, t("forecast_error", {
      error: forecast.error === null ? "—" : forecast.error.toFixed(1),
      baseline: forecast.baselineError === null ? "—" : forecast.baselineError.toFixed(1),
      days: forecast.backtestedDays,
    }));
  }
  const bars = (items, name) => ({
    tooltip: { trigger: "axis" },
    grid: { left: 160, right: 30, top: 10, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: items.map(name) },
    series: [{ type: "bar", data: items.map((i) => i.screenings) }],
  });
  const placed = o.cinemas.map((c) => [degrees(c.longitude), degrees(c.latitude), c.screenings, c.name || "#" + c.cinema]);
  const most = Math.max(1, ...placed.map((p) => p[2]));
  return [
    ...page,
    section(t("per_day"), chart({ id: "chart-per-day", "data-days": o.days.length }, {
      legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: dates }, yAxis: { type: "value" }, series,
    }), note),
    el("div", { class: "two" },
      section(t("top_films"), chart({ id: "chart-films", "data-items": o.topFilms.length }, bars(o.topFilms, (f) => f.film))),
      section(t("top_cinemas"), chart({ id: "chart-cinemas", "data-items": o.topCinemas.length },
        bars(o.topCinemas, (c) => (c.name || "") + " #" + c.cinema)))),
    section(t("cinema_map"), chart({ id: "chart-map", "data-items": placed.length }, {
      // ECharts puts a formatter's string into the page as HTML: the name is escaped.
      tooltip: { trigger: "item", formatter: (p) => echarts.format.encodeHTML(p.data[3]) + ": " + p.data[2] },
      xAxis: { type: "value", name: t("longitude"), scale: true }, yAxis: { type: "value", name: t("latitude"), scale: true },
      series: [{ type: "scatter", data: placed, symbolSize: (p) => 6 + 24 * Math.sqrt(p[2] / most) }],
    })),
  ];
}

async function acknowledgeAlert(alert, cell) {
  const form = el("form", { class: "ack" },
    el("input", { name: "by", placeholder: t("ack_name"), required: true, maxlength: 64 }),
    el("input", { name: "note", placeholder: t("ack_note"), maxlength: 500 }),
    el("input", { name: "token", type: "password", placeholder: t("ack_token"), value: sessionStorage.getItem("cinechain-token") || "" }),
    el("button", { type: "submit" }, t("acknowledge")),
    el("span", { class: "result" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    sessionStorage.setItem("cinechain-token", data.get("token"));
    try {
      const answer = await api("/alerts/" + alert.id + "/acknowledge", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + data.get("token") },
        body: JSON.stringify({ by: data.get("by"), note: data.get("note") }),
      });
      cell.replaceChildren(el("span", { "data-acknowledged": alert.id }, t("acknowledged_by", answer.acknowledged)));
    } catch (e) {
      form.querySelector(".result").textContent = t("error") + ": " + e.message;
    }
  });
  cell.replaceChildren(form);
}

function alertRow(a) {
  const ack = el("td", { class: "ack-cell" }, a.acknowledgement
    ? el("span", { "data-acknowledged": a.id }, t("acknowledged_by", a.acknowledgement))
    : el("button", { onclick: () => acknowledgeAlert(a, ack) }, t("acknowledge")));
  return el("tr", { "data-alert": a.id, "data-rule": a.rule },
    el("td", {}, String(a.id)),
    el("td", {}, t("rule_" + a.rule)),
    el("td", {}, el("span", { class: "severity " + a.severity }, t("severity_" + a.severity))),
    el("td", {}, a.record ? recordLink(a.record.device, a.record.seq) : "—",
      a.related.map((r) => [" ", el("span", { class: "muted" }, "↔ "), recordLink(r.device, r.seq)])),
    el("td", {}, a.device !== null ? link("#/device/" + a.device, String(a.device)) : "—"),
    el("td", {}, String(a.cinema) + (a.hall !== null ? " / " + a.hall : "")),
    el("td", {}, figure(a.rule, a.measured) + " / " + figure(a.rule, a.limit)),
    el("td", {}, time(a.at)),
    el("td", {}, a.proofs.map((p) => [link(p, p.replace("/proof/", ""), { target: "_blank", class: "proof" }), " "])),
    ack);
}

function alertTable(alerts) {
  return el("table", { class: "alerts" },
    el("thead", {}, el("tr", {}, ["#", t("rule"), t("severity"), t("record"), t("device"), t("cinema") + " / " + t("hall"),
      t("measured") + " / " + t("limit"), t("at"), t("proof"), t("status")].map((h) => el("th", {}, h)))),
    el("tbody", {}, alerts.map(alertRow)));
}

async function alertsView(params) {
  const query = new URLSearchParams();
  for (const name of ["rule", "severity", "open", "device", "cinema"]) if (params.get(name)) query.set(name, params.get(name));
  const select = (name, options) => el("select", { name, onchange: (e) => {
    const next = new URLSearchParams(query);
    if (e.target.value) next.set(name, e.target.value); else next.delete(name);
    location.hash = "#/alerts?" + next;
  } }, options.map(([value, label]) => el("option", { value, selected: (params.get(name) || "") === value }, label)));
  const filters = el("div", { class: "filters" },
    select("rule", [["", t("rule") + ": " + t("all")], ...RULES.map((r) => [r, t("rule_" + r)])]),
    select("severity", [["", t("severity") + ": " + t("all")], ...["high", "medium", "low"].map((s) => [s, t("severity_" + s)])]),
    select("open", [["", t("status") + ": " + t("all")], ["true", t("open")], ["false", t("acknowledged")]]));
  const page = await api("/alerts?" + query);
  const list = alertTable(page.items);
  return [filters, list, moreButton("/alerts", query, page.nextCursor, list, (items) => items.map(alertRow))];
}

async function preparedCall(call, args) {
  const out = el("div", { class: "call" });
  const reason = el("input", { type: "number", min: 0, max: 65535, value: 1, name: "reason" });
  const button = el("button", { onclick: async () => {
    try {
      const prepared = await api("/calls/" + call + "?" + new URLSearchParams(Object.assign({ reason: reason.value }, args)));
      out.replaceChildren(el("p", {}, t("prepared_call")),
        el("code", { "data-call": call }, prepared.callData), " ",
        link("https://polkadot.js.org/apps/#/extrinsics/decode/" + prepared.callData, t("open_in_apps"), { target: "_blank", rel: "noopener" }));
    } catch (e) {
      out.replaceChildren(t("error") + ": " + e.message);
    }
  } }, t("prepare"));
  return el("div", { class: "prepare" }, el("label", {}, t("reason_code") + " ", reason), " ", button, out);
}

// Days of a device's records its page shows (the latest ones, up to the last indexed block).
const DEVICE_DAYS = 7;

async function deviceView(device) {
  const status = await api("/status");
  const last = status.indexedBlock === null ? Date.now() : (await api("/blocks/" + status.indexedBlock)).timestamp;
  const from = last - DEVICE_DAYS * 86400000;
  const [d, history, records, alerts] = await Promise.all([
    api("/devices/" + device),
    api("/devices/" + device + "/history?limit=100"),
    api("/screenings?device=" + device + "&from=" + from + "&limit=1000"),
    api("/alerts?device=" + device + "&limit=50"),
  ]);
  const recent = records.items.slice(-20).reverse();
  const points = records.items.map((s) => [s.startedAt, Math.round((s.endedAt - s.startedAt) / 600) / 100, s.seq]);
  return [
    el("h2", {}, t("device_title", { device })),
    fields([
      [t("status"), d.status, "status"], [t("cinema"), String(d.cinema)], [t("region"), d.region], [t("key"), d.key],
      [t("manufacturer"), d.manufacturer], [t("model"), d.model], [t("serial"), d.serialNumber], [t("firmware"), d.firmwareVersion],
    ]),
    section(t("suspend_this"), await preparedCall("suspend_device", { device })),
    section(t("records_timeline"), chart({ id: "chart-timeline", "data-items": points.length }, {
      tooltip: { trigger: "item", formatter: (p) => echarts.format.encodeHTML("#" + p.data[2] + " " + time(p.data[0]) + " · " + p.data[1] + " min") },
      xAxis: { type: "time" }, yAxis: { type: "value" },
      series: [{ type: "scatter", data: points, symbolSize: 8 }],
    })),
    section(t("recent_records"), table([t("record"), t("title_field"), t("hall"), t("started"), t("length"), t("outcome")],
      recent.map((s) => [recordLink(s.device, s.seq), s.title, String(s.hall), time(s.startedAt),
        duration(s.endedAt - s.startedAt), s.outcome]), { "data-table": "records" })),
    section(t("alerts_of"), alertTable(alerts.items)),
    section(t("lifecycle"), table([t("block"), t("event"), ""], history.items.map((e) =>
      [String(e.blockNumber), e.pallet + "." + e.name, JSON.stringify(e.fields)]), { "data-table": "lifecycle" }),
      history.items.length ? null : el("p", { class: "muted" }, t("lifecycle_genesis"))),
  ];
}

function proofSummary(bundle, screening) {
  const bytes = (hex) => hex.slice(2).match(/../g).map((b) => parseInt(b, 16));
  const justification = bytes(bundle.finality.justification);
  // A justification starts with its round (u64, little-endian).
  let round = 0;
  for (let i = 7; i >= 0; i--) round = round * 256 + justification[i];
  const nodes = bundle.extrinsic.proof.length + bundle.headBefore.length + bundle.headAfter.length;
  return el("p", {}, t("proof_summary", {
    index: bundle.extrinsic.index, block: screening.blockNumber, target: screening.blockNumber + bundle.finality.headers.length,
    round, headers: bundle.finality.headers.length, nodes,
  }));
}

// A proof (its JSON text), asked again a few times while the server is busy making others (503).
async function fetchProof(device, seq) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apiText("/proof/" + device + "/" + seq);
    } catch (e) {
      if (!(e instanceof ApiFailure && e.status === 503 && /busy|being made/.test(e.message)) || attempt === 5) throw e;
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

// What proofs are checked against: the trusted facts of a chain spec the regulator loaded (kept
// in this browser) or, until then, of the one the server was started with.
const TRUST_KEY = "cinechain-trusted-chain";
let serverFacts = null;
async function trustedFacts() {
  const own = localStorage.getItem(TRUST_KEY);
  if (own) return { facts: JSON.parse(own), own: true };
  serverFacts = serverFacts || apiText("/console/chain-spec.json")
    .then((spec) => cinechainVerifier.trustedChain(new TextEncoder().encode(spec)));
  try {
    return { facts: await serverFacts, own: false };
  } catch (e) {
    serverFacts = null;
    throw e;
  }
}

// The verifier's answer for the record shown: verified only if the proof is valid and of this
// record (its hash, device and number).
function verdict(answer, screening) {
  if (answer.error) return el("p", { "data-verified": "error" }, t("proof_error", { reason: answer.error }));
  if (answer.refused) return el("p", { "data-verified": "refused" }, t("proof_refused", answer.refused));
  const v = answer.ok;
  if (v.recordHash !== screening.recordHash || v.device !== screening.device || v.seq !== screening.seq) {
    return el("p", { "data-verified": "other-record" }, t("proof_other_record", { proven: v.recordHash, shown: screening.recordHash }));
  }
  return el("p", { "data-verified": "verified" }, t("proof_verified", {
    hash: v.recordHash, seq: v.seq, device: v.device, block: v.blockNumber, blockHash: v.blockHash,
    index: v.extrinsicIndex, final: v.finalizedNumber, finalHash: v.finalizedHash, set: v.chain.setId, chain: v.chain.name,
  }));
}

// The trust line and its controls: load a chain spec to trust, or forget it.
function trustControls(trust, recheck) {
  const f = trust.facts;
  const load = el("input", { type: "file", accept: ".json,application/json", "data-trust": "load", onchange: async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const facts = await cinechainVerifier.trustedChain(new Uint8Array(await file.arrayBuffer()));
      localStorage.setItem(TRUST_KEY, JSON.stringify(facts));
    } catch (e) {
      return recheck(t("proof_spec_unreadable", { reason: e.message }));
    }
    recheck();
  } });
  return el("div", { class: "trust", "data-trust": f ? (trust.own ? "own" : "server") : "none" },
    f ? el("p", {}, t(trust.own ? "trust_own" : "trust_server", {
      chain: f.name, genesis: f.genesisHash, set: f.setId, authorities: f.authorities.length,
    })) : null,
    f && f.wellKnownKeys ? el("p", { class: "warning" }, t("trust_well_known")) : null,
    el("label", {}, t("trust_load") + " ", load),
    trust.own ? el("button", { type: "button", "data-trust": "forget", onclick: () => {
      localStorage.removeItem(TRUST_KEY);
      recheck();
    } }, t("trust_forget")) : null);
}

// The proof section: fetched, checked here, and downloadable. Resolves once the verdict shows.
async function proofSection(box, device, seq, screening) {
  let text;
  try {
    text = await fetchProof(device, seq);
  } catch (e) {
    return box.replaceChildren(el("p", { "data-proof": "unavailable" }, t("proof_unavailable", { reason: e.message })));
  }
  const bundle = JSON.parse(text);
  const file = new Blob([text], { type: "application/json" });
  const checked = el("div", {}, t("proof_checking"));
  box.replaceChildren(el("div", { "data-proof": "fetched" }, proofSummary(bundle, screening), checked,
    el("p", {}, link(URL.createObjectURL(file), t("proof_download"), { download: "proof-" + device + "-" + seq + ".json" })),
    el("p", { class: "muted" }, t("proof_verify_hint"))));
  const check = async (problem) => {
    let trust;
    try {
      trust = await trustedFacts();
    } catch (e) {
      trust = null;
      problem = problem || t("proof_no_spec", { reason: e.message });
    }
    const answer = trust ? await cinechainVerifier.verify(text, trust.facts).catch((e) => ({ error: e.message })) : null;
    checked.replaceChildren(...[
      problem ? el("p", { class: "warning", "data-trust": "problem" }, problem) : null,
      answer ? verdict(answer, screening) : null,
      trustControls(trust || { facts: null, own: false }, check),
    ].filter((part) => part !== null));
  };
  await check();
}

async function recordView(device, seq) {
  const detail = await api("/screenings/" + device + "/" + seq);
  const s = detail.screening;
  const proof = el("div", {}, t("proof_fetch"));
  const proofLoaded = proofSection(proof, device, seq, s);
  const place = s.latitude !== null && s.longitude !== null ? degrees(s.latitude).toFixed(5) + ", " + degrees(s.longitude).toFixed(5) : null;
  const view = [
    el("h2", {}, t("record_title", { device, seq })),
    fields([
      [t("title_field"), s.title, "title"], [t("film_code"), s.filmCode, "filmCode"], [t("cpl_id"), s.cplId, "cplId"],
      [t("projectionist"), s.projectionist, "projectionist"],
      [t("started"), time(s.startedAt), "startedAt"], [t("ended"), time(s.endedAt), "endedAt"],
      [t("length"), duration(s.endedAt - s.startedAt), "length"], [t("outcome"), s.outcome, "outcome"],
      [t("device"), link("#/device/" + s.device, String(s.device))], [t("cinema"), String(s.cinema), "cinema"],
      [t("hall"), String(s.hall), "hall"], [t("region"), s.region, "region"], [t("position"), place, "position"],
      [t("report_hash"), s.reportHash, "reportHash"], [t("recorded_at"), time(s.recordedAt)],
      [t("record_hash"), s.recordHash, "recordHash"], [t("prev_hash"), s.prevHash],
    ]),
    section(t("on_chain"), fields([
      [t("block"), String(s.blockNumber), "blockNumber"], [t("block_hash"), s.blockHash, "blockHash"],
      [t("extrinsic"), s.extrinsicIndex === null ? null : String(s.extrinsicIndex), "extrinsicIndex"],
      [t("extrinsic_hash"), s.extrinsicHash, "extrinsicHash"], [t("event_index"), String(s.eventIndex)],
    ])),
    section(t("proof"), proof),
    section(t("alerts_of"), detail.alerts.length ? alertTable(detail.alerts) : el("p", {}, t("none"))),
    section(t("flags"), detail.flags.length
      ? table([t("block"), t("reason_code"), t("supervisor"), t("resolution")], detail.flags.map((f) =>
        [String(f.flaggedAt.blockNumber), String(f.reason), f.supervisor, f.resolution === null ? t("open") : String(f.resolution)]))
      : el("p", {}, t("none"))),
    section(t("flag_this"), await preparedCall("flag_screening", { device, seq })),
  ];
  return { view, done: proofLoaded };
}

const SEARCH_FIELDS = [
  ["device", "device", "number"], ["cinema", "cinema", "number"], ["region", "region", "text"], ["filmCode", "film_code", "text"],
  ["cplId", "cpl_id", "text"], ["title", "title_field", "text"], ["projectionist", "projectionist", "text"],
  ["from", "from", "datetime-local"], ["to", "to", "datetime-local"],
];

async function searchView(params) {
  const query = new URLSearchParams();
  for (const [name, , type] of SEARCH_FIELDS) {
    const value = params.get(name);
    if (!value) continue;
    query.set(name, type === "datetime-local" ? String(new Date(value).getTime()) : value);
  }
  const form = el("form", { class: "search" },
    SEARCH_FIELDS.map(([name, label, type]) => el("label", {}, t(label), el("input", { name, type, value: params.get(name) || "" }))),
    el("button", { type: "submit" }, t("search")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) next.set(name, value);
    location.hash = "#/search?" + next;
  });
  const view = [el("p", { class: "muted" }, t("search_hint")), form];
  if (![...query.keys()].length) return view;
  const page = await api("/screenings?" + query);
  const rows = (items) => items.map((s) => el("tr", {}, [recordLink(s.device, s.seq), s.title, s.filmCode || s.cplId || "",
    String(s.cinema) + " / " + s.hall, s.region, s.projectionist, time(s.startedAt), duration(s.endedAt - s.startedAt), s.outcome]
    .map((c) => el("td", {}, c))));
  const list = el("table", { "data-table": "results" },
    el("thead", {}, el("tr", {}, [t("record"), t("title_field"), t("film"), t("cinema") + " / " + t("hall"), t("region"),
      t("projectionist"), t("started"), t("length"), t("outcome")].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows(page.items)));
  return [...view, el("h2", {}, t("results"), " ", link("/screenings.csv?" + query, t("export_csv"), { "data-csv": "" })), list,
    moreButton("/screenings", query, page.nextCursor, list, rows)];
}

// ---- routing --------------------------------------------------------------------------------

async function show() {
  const [path, search] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(search || "");
  const parts = (path || "/").split("/").filter(Boolean);
  const main = document.getElementById("page");
  delete document.body.dataset.view;
  for (const c of charts.splice(0)) c.dispose();
  main.replaceChildren(el("p", { class: "muted" }, t("loading")));
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("here", a.dataset.view === (parts[0] || "overview")));
  let name = parts[0] || "overview";
  try {
    let content, done = null;
    if (name === "overview") content = await overview();
    else if (name === "alerts") content = await alertsView(params);
    else if (name === "device" && /^\d+$/.test(parts[1])) content = await deviceView(parts[1]);
    else if (name === "record" && /^\d+$/.test(parts[1]) && /^\d+$/.test(parts[2])) ({ view: content, done } = await recordView(parts[1], parts[2]));
    else if (name === "search") content = await searchView(params);
    else { name = "unknown"; content = [el("p", {}, "#" + path + "?")]; }
    main.replaceChildren(...content.filter(Boolean));
    if (done) await done;
    // Charts draw on the next frame; the view is complete after it.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  } catch (e) {
    main.replaceChildren(el("p", { class: "error", "data-error": "" }, t("error") + ": " + e.message));
  }
  document.body.dataset.view = name;
}

function frame() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  document.getElementById("title").textContent = t("title");
  document.getElementById("nav-overview").textContent = t("nav_overview");
  document.getElementById("nav-alerts").textContent = t("nav_alerts");
  document.getElementById("nav-search").textContent = t("nav_search");
  document.getElementById("lang").textContent = t("language");
}

document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("cinechain-lang", lang);
  frame();
  show();
});
window.addEventListener("hashchange", show);
window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
frame();
show();
