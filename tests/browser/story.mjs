// The console's story in real headless Chromium (Debian's /usr/bin/chromium), at a phone's
// 390×844 viewport: a PIC signs in and files a complaint from a pasted Instagram comment link
// with a photo, and sees its tracking code and the photo's preview; the same link again leads to
// it; a coordinator routes it, the agency head assigns it, the division head starts it, records a
// field visit with a photo and resolves it, the PIC closes it with the reply link; the timeline
// shows every step, the proof card with the published visit photo; anyone follows it on the
// public tracking page and finds it on /bukti; the recap is frozen, its winners marked and
// published, and its public page shows the card; the dashboard is read at phone and desktop
// width and DPUPR's planning table downloaded. Every page is checked with axe-core (no serious
// or critical violation) and photographed under target/browser/.
//
// node story.mjs <base-url> <admin-password> <screenshot-dir>
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [base, adminPassword, shots] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const PASSWORD = "a long passphrase";
// A phone photo with EXIF time (2025-07-08 09:15, Asia/Jakarta) and GPS (Jalancagak).
const PHOTO = fileURLToPath(new URL("../fixtures/visit-gps.jpg", import.meta.url));
const CAPTION = "Diambil Selasa, 8 Juli 2025, 09.15 WIB · -6.65830, 107.67720";

// The first preview of the gallery is shown (loaded by the browser, not broken).
async function previewShown(page) {
  const img = page.locator(".gallery img").first();
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  return true;
}
mkdirSync(shots, { recursive: true });

const failures = [];
function check(ok, what) {
  if (!ok) { failures.push(what); console.error("FAIL " + what); } else { console.log("ok   " + what); }
}

async function api(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: "Bearer " + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function idOf(token, path, code) {
  const r = await api("GET", path, token);
  return r.body.items.find((x) => x.code === code).id;
}

const weights = {};
async function look(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => await window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
  }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) {
    console.error(`  axe ${name}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  check(bad.length === 0, `${name}: no serious or critical accessibility violation`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function person(name, password = PASSWORD) {
  // bypassCSP only so that axe-core can be injected; the pages themselves run under their CSP.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "id-ID" });
  const page = await context.newPage();
  let bytes = 0;
  page.on("response", async (r) => {
    const len = Number(r.headers()["content-length"] || 0);
    bytes += len || (await r.body().catch(() => Buffer.alloc(0))).length;
  });
  page.weigh = () => { const b = bytes; bytes = 0; return b; };
  await page.goto(base + "/");
  check(page.url().includes("/app/masuk"), `${name}: / leads to the sign-in page`);
  await page.getByLabel("Nama pengguna").fill(name);
  await page.getByLabel("Kata sandi").fill(password);
  await page.getByRole("button", { name: "Masuk" }).click();
  await page.waitForURL(base + "/app/");
  check(await page.getByRole("heading", { name: "Perlu tindakan" }).isVisible(), `${name}: signed in, inbox shown`);
  return page;
}

try {
  // The bootstrap admin signs in and makes the people of the story on the users page.
  const admin = await person("admin", adminPassword);
  await admin.getByRole("link", { name: "Pengguna" }).click();
  await look(admin, "00-users");
  for (const [username, role, agency, division] of [
    ["siti.pic", "PIC media sosial", "Dinas Komunikasi dan Informatika", null],
    ["dadang.koord", "Koordinator", "Dinas Komunikasi dan Informatika", null],
    ["asep.kadis", "Kepala perangkat daerah", "Dinas Pekerjaan Umum dan Penataan Ruang", null],
    ["ujang.kabid", "Kepala bidang", null, "Dinas Pekerjaan Umum dan Penataan Ruang · Bidang Bina Marga"],
  ]) {
    await admin.getByLabel("Nama pengguna", { exact: true }).fill(username);
    await admin.getByLabel("Nama lengkap").fill(username);
    await admin.getByLabel("Peran", { exact: true }).selectOption({ label: role });
    if (agency) { await admin.getByLabel(/^Perangkat daerah/).selectOption({ label: agency }); }
    if (division) { await admin.getByLabel(/^Bidang/).selectOption({ label: division }); }
    await admin.getByLabel(/^Kata sandi awal/).fill(PASSWORD);
    await admin.getByRole("button", { name: "Tambah" }).click();
    await admin.getByText("Pengguna sudah ditambahkan.").waitFor();
    check(true, `user ${username} added on the users page`);
  }
  await admin.getByRole("link", { name: /Data referensi/ }).click();
  await look(admin, "00-reference");

  // The PIC files a complaint from a pasted Instagram comment link.
  const pic = await person("siti.pic");
  await look(pic, "01-inbox-pic");
  console.log(`weight of the inbox (first load): ${pic.weigh()} bytes`);
  await pic.getByRole("link", { name: "Aduan baru" }).click();
  const link = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890123456/?igsh=MWx4";
  await pic.getByLabel("Tautan komentar").fill(link);
  await pic.getByText("Tautan Instagram dikenali.").waitFor();
  check(true, "the pasted link is recognised as Instagram");
  await pic.getByLabel("Isi komentar").fill("Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki.");
  await pic.getByLabel("Akun pengirim").fill("warga_jalancagak");
  await pic.getByLabel("Kategori (perangkat daerah yang disarankan)").selectOption("jalan");
  await pic.getByLabel("Kecamatan/desa").selectOption("jalancagak.curugrendeng");
  await pic.getByLabel("Foto atau tangkapan layar (opsional)").setInputFiles(PHOTO);
  await look(pic, "02-filing");
  console.log(`weight of the filing page: ${pic.weigh()} bytes`);
  await pic.getByRole("button", { name: "Kirim" }).click();
  await pic.waitForURL(/\/app\/aduan\/SBG-/);
  const code = (await pic.locator("h1 .code").textContent()).trim();
  check(/^SBG-\d\d-\d{6}$/.test(code), `filed with the tracking code ${code}`);
  check(await pic.getByText("Aduan tercatat.").isVisible(), "the filing is confirmed");
  check(await previewShown(pic), "the filed photo's preview is shown");
  check(await pic.getByText(CAPTION).isVisible(), "with the photo's EXIF time and place");
  await look(pic, "03-complaint-new");

  // The same link again leads to the existing complaint.
  await pic.getByRole("link", { name: "Aduan baru" }).click();
  await pic.getByLabel("Tautan komentar").fill(link.replace("?igsh=MWx4", ""));
  await pic.getByText("Komentar ini sudah tercatat").waitFor();
  await pic.locator("#tautan-info a").click();
  await pic.waitForURL(base + "/app/aduan/" + code);
  check(true, "the same link again leads to the complaint filed before");

  // The coordinator routes it.
  const koord = await person("dadang.koord");
  check(await koord.getByRole("link", { name: code }).isVisible(), "the coordinator's inbox holds it");
  await look(koord, "04-inbox-coordinator");
  await koord.getByRole("link", { name: code }).click();
  await koord.getByLabel("Disposisikan ke perangkat daerah").selectOption({ label: "Dinas Pekerjaan Umum dan Penataan Ruang" });
  await koord.getByRole("button", { name: "Disposisikan" }).click();
  await koord.getByText("Aduan sudah didisposisikan.").waitFor();
  await look(koord, "04-complaint-routed");

  // The agency head assigns it to a division.
  const kadis = await person("asep.kadis");
  await kadis.getByRole("link", { name: code }).click();
  await kadis.getByLabel("Tugaskan ke bidang").selectOption({ label: "Bidang Bina Marga" });
  await kadis.getByRole("button", { name: "Tugaskan" }).click();
  await kadis.getByText("Aduan sudah ditugaskan ke bidang.").waitFor();

  // The division head starts it, records a field visit with a photo, and resolves it.
  const kabid = await person("ujang.kabid");
  await kabid.getByRole("link", { name: code }).click();
  await kabid.getByRole("button", { name: "Mulai kerjakan" }).click();
  await kabid.getByText("Pengerjaan sudah dimulai.").waitFor();
  await kabid.getByLabel("Temuan dan tindakan di lapangan").fill("Lubang 3 titik, sudah ditambal sepanjang 120 m");
  await kabid.getByLabel("Foto kunjungan").setInputFiles(PHOTO);
  await look(kabid, "05-visit-form");
  await kabid.getByRole("button", { name: "Catat kunjungan" }).click();
  await kabid.getByText("Kunjungan lapangan sudah dicatat.").waitFor();
  check(await kabid.getByText("Lubang 3 titik, sudah ditambal sepanjang 120 m").isVisible(), "the visit's notes are shown");
  check(await previewShown(kabid), "the visit photo's preview is shown");
  await look(kabid, "05-complaint-visited");
  // For the README: the top of the complaint page with its evidence.
  await kabid.evaluate(() => window.scrollTo(0, 0));
  await kabid.screenshot({ path: `${shots}/readme-complaint.png`, fullPage: true, clip: { x: 0, y: 0, width: 390, height: 1450 } });
  // The visit photo shows no face: shown to the public, for the proof card.
  await kabid.getByRole("checkbox", { name: "Tidak ada wajah atau data pribadi" }).last().check();
  await kabid.getByRole("button", { name: "Tampilkan ke publik" }).last().click();
  await kabid.getByText("Foto ditampilkan ke publik").waitFor();
  check(await kabid.getByText("Tampil ke publik", { exact: true }).isVisible(), "the visit photo is marked public");
  await kabid.getByLabel("Ringkasan penyelesaian").fill("Jalan sudah ditambal sepanjang 120 m");
  await kabid.getByRole("button", { name: "Nyatakan selesai" }).click();
  await kabid.getByText("Aduan sudah dinyatakan selesai dikerjakan.").waitFor();

  // The PIC closes it with the reply link; the timeline tells every step.
  await pic.goto(base + "/app/");
  await pic.getByRole("link", { name: code }).click();
  await pic.getByLabel("Tautan balasan yang menutup aduan").fill("https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890999999/");
  await pic.getByRole("button", { name: "Tutup aduan" }).click();
  await pic.getByText("Aduan sudah ditutup.").waitFor();
  const timeline = await pic.locator("ol.timeline").innerText();
  for (const line of [
    "siti.pic mencatat aduan",
    "dadang.koord mendisposisikan ke Dinas Pekerjaan Umum dan Penataan Ruang",
    "asep.kadis menugaskan ke Bidang Bina Marga",
    "ujang.kabid mulai mengerjakan",
    "ujang.kabid mencatat kunjungan lapangan",
    "ujang.kabid menyelesaikan: Jalan sudah ditambal sepanjang 120 m",
    "siti.pic menutup dengan tautan balasan",
  ]) {
    check(timeline.includes(line), `timeline: ${line}`);
  }
  const proofImg = pic.locator("img[alt^='Kartu bukti']");
  await proofImg.scrollIntoViewIfNeeded();
  await pic.waitForFunction((el) => el.complete && el.naturalWidth === 1080, await proofImg.elementHandle());
  check(true, "the proof card is drawn on the complaint page");
  await look(pic, "06-complaint-closed");

  // Anyone follows it by its tracking code, on a phone and on a desktop, without signing in.
  for (const [width, height, name] of [[390, 844, "10-public-tracking-phone"], [1280, 900, "10-public-tracking-desktop"]]) {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true, locale: "id-ID" });
    const visitor = await context.newPage();
    await visitor.goto(base + "/lacak");
    await visitor.getByLabel("Kode lacak").fill(code);
    await visitor.getByRole("button", { name: "Lacak" }).click();
    await visitor.waitForURL(base + "/lacak/" + code);
    check(await visitor.getByText("Status: Ditutup").isVisible(), `${name}: the public page shows the closed status`);
    check(!(await visitor.content()).includes("warga_jalancagak"), `${name}: no commenter's handle`);
    const card = visitor.locator("img[alt^='Kartu bukti']");
    await card.scrollIntoViewIfNeeded();
    await visitor.waitForFunction((el) => el.complete && el.naturalWidth === 1080, await card.elementHandle());
    check(true, `${name}: the proof card is shown`);
    await look(visitor, name);
    await visitor.goto(base + "/bukti");
    check(await visitor.getByRole("link", { name: code }).isVisible(), `${name}: /bukti lists the fixed complaint`);
    await look(visitor, name.replace("tracking", "proofs"));
    await context.close();
  }

  // The recap on the two prize boards, frozen by the admin.
  await admin.goto(base + "/app/");
  await admin.getByRole("link", { name: "Rekap" }).click();
  check(await admin.getByRole("heading", { name: "Kecamatan" }).isVisible(), "the recap has the kecamatan board");
  check((await admin.locator("section[aria-labelledby='h-board-1']").innerText()).includes("siti.pic"), "the PIC is on the perangkat daerah board");
  await look(admin, "11-recap");
  await admin.getByRole("button", { name: "Bekukan rekap periode ini" }).click();
  await admin.getByText("Rekap sudah dibekukan").waitFor();
  await look(admin, "11-recap-frozen");
  // Winners (the first place preselected) and publication, once.
  await admin.getByRole("checkbox", { name: /Terbitkan rekap ini/ }).check();
  await admin.getByRole("button", { name: "Simpan keputusan" }).click();
  await admin.getByText("Pemenang sudah ditetapkan.").waitFor();
  check(await admin.getByText("PIC terbaik perangkat daerah: siti.pic").isVisible(), "the winner is named");
  await look(admin, "11-recap-decided");
  const publicRecap = await admin.locator("a[href*='/rekap/']", { hasText: "/rekap/" }).first().getAttribute("href");
  for (const [width, height, name] of [[390, 844, "12-public-recap-phone"], [1280, 900, "12-public-recap-desktop"]]) {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true, locale: "id-ID" });
    const visitor = await context.newPage();
    await visitor.goto(publicRecap);
    check(await visitor.getByText("PIC terbaik: siti.pic").first().isVisible(), `${name}: the public recap names the winner`);
    const card = visitor.locator("img.recap-card");
    await card.scrollIntoViewIfNeeded();
    await visitor.waitForFunction((el) => el.complete && el.naturalHeight === 1350, await card.elementHandle());
    check(true, `${name}: the recap card is shown`);
    await look(visitor, name);
    await context.close();
  }

  // The planners' dashboard at phone and desktop width: charts drawn by the server, a second
  // grouping, and the planning table of DPUPR's year with its download.
  await admin.goto(base + "/app/");
  await admin.getByRole("link", { name: "Analitik" }).click();
  check(await admin.getByRole("heading", { name: "Tren: Aduan masuk per kategori" }).isVisible(), "the dashboard shows the trend");
  check(await admin.locator("svg.chart rect").count() > 0, "the trend chart has columns");
  await look(admin, "13-dashboard-phone");
  await admin.getByLabel("Kelompokkan per").selectOption({ label: "Perangkat daerah" });
  await admin.getByRole("button", { name: "Tampilkan" }).click();
  await admin.getByRole("heading", { name: "Tren: Aduan masuk per perangkat daerah" }).waitFor();
  check(await admin.locator("svg.chart title", { hasText: "Dinas Pekerjaan Umum dan Penataan Ruang" }).count() > 0, "the trend by agency names DPUPR");
  await admin.setViewportSize({ width: 1280, height: 900 });
  await look(admin, "13-dashboard-desktop");
  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.locator("#rencana-pd").selectOption({ label: "Dinas Pekerjaan Umum dan Penataan Ruang" });
  await admin.getByRole("button", { name: "Lihat tabel" }).click();
  await admin.getByRole("heading", { name: /Dinas Pekerjaan Umum dan Penataan Ruang · \d{4}/ }).waitFor();
  check(await admin.locator("table tbody tr").count() > 0, "the planning table has rows");
  const [download] = await Promise.all([
    admin.waitForEvent("download"),
    admin.getByRole("link", { name: "XLSX" }).click(),
  ]);
  check(/^perencanaan-dpupr-\d{4}\.xlsx$/.test(download.suggestedFilename()), "the planning table downloads as XLSX");
  await look(admin, "14-planning-table");

  // The other pages.
  await pic.getByRole("link", { name: "Aduan", exact: true }).click();
  await look(pic, "07-list");
  await pic.goto(base + "/app/tugas");
  await look(pic, "08-duties");
  await pic.goto(base + "/app/masuk");
  await look(pic, "09-sign-in");
} catch (e) {
  failures.push(String(e && e.stack || e));
  console.error(e);
} finally {
  await browser.close();
}

if (failures.length) {
  console.error(`${failures.length} failed`);
  process.exit(1);
}
console.log("all browser checks passed");
