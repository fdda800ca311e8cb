/**
 * Scanned letters that read themselves, end to end: 20 letters of the labelled set (seed 24, rendered here) are
 * dropped as one batch, without manifest, into the letters inbox of a real `tousu start` (its own process: the
 * OCR engine, PaddleOCR on onnxruntime-node, refuses typed arrays made in jest's module realm). The clerk works
 * in headless Chromium with the keyboard only: Tab through the proposed fields, type where a field is marked
 * 待填写 or misread, Enter to accept. No case exists before a letter is confirmed; afterwards there are 20 cases
 * whose fields equal the labels, each with its OCR transcript. Screenshot: docs/console-letter-review.png.
 *
 * Slow by nature (two OCR readings per letter, seconds each on a quiet machine, far longer on a loaded one): the
 * clerk confirms each letter as soon as it is read, and the test allows 40 minutes.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { makeLetterSet, renderLetterSet } from '../fixtures/letters/labelled-set';
import type { LetterLabel } from '../fixtures/letters/labelled-set';
import { api, freePort, REPO, runCli, spawnRuntime, waitFor } from './runtime-helpers';
import type { Api, ChildRuntime } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'a-letter-clerk-password';
const LETTERS = 20;
const FIELDS = ['name', 'phone', 'address', 'respondentUnit', 'respondentPerson', 'matter', 'facts', 'envelopeDate'] as const;

describe('a batch of 20 scanned letters becomes 20 cases after the clerk checks each in the browser (keyboard only)', () => {
  let dir: string;
  let child: ChildRuntime | undefined;
  let http: Api;
  let base: string;
  let browser: Browser;
  let clerk: Page;
  let labels: LetterLabel[];

  const focusedId = (p: Page) => p.evaluate('document.activeElement && document.activeElement.id') as Promise<string>;
  const tabTo = async (p: Page, id: string): Promise<void> => {
    for (let n = 0; n < 80; n++) {
      if ((await focusedId(p)) === id) return;
      await p.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-letters-browser-'));
    labels = makeLetterSet(24, 100).slice(0, LETTERS);
    const staging = join(dir, 'staging', 'batch-20');
    await renderLetterSet(labels, staging);
    // Only the scans go into the inbox: the labels stay with the test.
    await mkdir(join(dir, 'scans'), { recursive: true });
    const scansOnly = join(dir, 'scans', 'batch-20');
    await mkdir(scansOnly);
    for (const l of labels) for (const f of [l.files.page, l.files.envelope]) await rename(join(staging, f), join(scansOnly, f));

    const httpPort = await freePort();
    child = await spawnRuntime(['--data-dir', dir, '--smtp-port', String(await freePort())], httpPort, 120_000);
    base = `http://127.0.0.1:${httpPort}`;
    http = api(base);
    const add = await runCli(['users', 'add', '--data-dir', dir, '--username', 'clerk1', '--role', 'agency', '--password-stdin'], `${PASSWORD}\n`);
    if (add.code !== 0) throw new Error(`users add: ${add.stdout}${add.stderr}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    clerk = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 1000 } })).newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (child) {
      // A stop waits for the page being read; a failed run does not wait for the rest of the batch.
      child.child.kill('SIGTERM');
      const killed = setTimeout(() => child?.child.kill('SIGKILL'), 60_000);
      await child.exited;
      clearTimeout(killed);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('reads the batch, files nothing unconfirmed, and files each letter the clerk accepts with the labelled fields', async () => {
    const token = await http.login('clerk1', PASSWORD);
    const t0 = Date.now();
    await rename(join(dir, 'scans', 'batch-20'), join(dir, 'inbox', 'letters', 'batch-20'));

    // The clerk signs in with the keyboard.
    await clerk.goto(`${base}/console/login`);
    await clerk.locator('#login-username').waitFor();
    await tabTo(clerk, 'login-username');
    await clerk.keyboard.type('clerk1');
    await tabTo(clerk, 'login-password');
    await clerk.keyboard.type(PASSWORD);
    await clerk.keyboard.press('Enter');
    await clerk.locator('#nav:not([hidden])').waitFor();

    // The first letter read: it waits for the clerk, and no case exists.
    const first = await waitFor(
      'the first letter read',
      async () => {
        await new Promise((r) => setTimeout(r, 1000));
        // A kept-alive connection the server has just timed out may be reset under the client: ask again.
        const r = await http.call('GET', '/api/console/letters', { token }).catch(() => undefined);
        return r && r.body?.items?.length > 0 ? r.body : undefined;
      },
      1_200_000,
    );
    const firstReadMs = Date.now() - t0;
    expect(first.items[0]).toMatchObject({ batch: 'batch-20', status: 'pending' });
    expect(first.batches[0]).toMatchObject({ batch: 'batch-20', letters: LETTERS, reading: true, confirmed: 0 });
    expect((await http.call('GET', '/api/cases', { token })).body.items).toEqual([]);

    await clerk.goto(`${base}/console/letters`);
    await clerk.locator('#letters-start').waitFor();
    await tabTo(clerk, 'letters-start');
    await clerk.keyboard.press('Enter');

    let accepted = 0;
    let typed = 0;
    const misread: string[] = [];
    const marked: string[] = [];
    let shot = false;
    const done = new Set<string>();
    while (done.size < LETTERS) {
      const h1 = clerk.locator('h1', { hasText: '来信核对：' });
      const onReview = await h1
        .waitFor({ timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      if (!onReview) {
        // Every letter read so far is confirmed: back on the list, wait for the next one read.
        await clerk.waitForTimeout(3_000);
        await clerk.goto(`${base}/console/letters`);
        const start = await clerk
          .locator('#letters-start')
          .waitFor({ timeout: 10_000 })
          .then(() => true)
          .catch(() => false);
        if (start) {
          await tabTo(clerk, 'letters-start');
          await clerk.keyboard.press('Enter');
        }
        continue;
      }
      const letter = (await h1.textContent())!.replace('来信核对：', '').trim();
      const label = labels.find((l) => l.id === letter);
      if (!label) throw new Error(`unknown letter on screen: ${letter}`);
      await clerk.locator('img.scan').first().waitFor();
      // The focus starts on the first field left for the clerk, or on the first field.
      const forClerk = await clerk.locator('[data-for-clerk] input, [data-for-clerk] textarea').evaluateAll((els) => els.map((e) => e.id));
      expect(await focusedId(clerk)).toBe(forClerk[0] ?? 'rv-name');
      for (const f of forClerk) {
        // Nothing is filled in where the reading is not sure.
        expect([f, await clerk.locator(`#${f}`).inputValue()]).toEqual([f, '']);
        marked.push(`${letter}.${f.slice(3)}`);
      }
      if (!shot && forClerk.length > 0) {
        await clerk.screenshot({ path: join(REPO, 'docs/console-letter-review.png'), fullPage: true });
        shot = true;
      }
      // Tab through every field from the top; type where the proposal is empty or misread.
      await tabTo(clerk, 'rv-name');
      for (const f of FIELDS) {
        expect(await focusedId(clerk)).toBe(`rv-${f}`);
        const want = label.fields[f] ?? '';
        const shown = await clerk.locator(`#rv-${f}`).inputValue();
        if (shown === want) accepted += 1;
        else {
          typed += 1;
          // A proposal that was wrong although sure enough to be filled in (not marked 待填写): the clerk's check caught it.
          if (shown !== '') misread.push(`${letter}.${f}`);
          await clerk.keyboard.press('Control+A');
          if (want === '') await clerk.keyboard.press('Delete');
          else await clerk.keyboard.insertText(want);
        }
        await clerk.keyboard.press('Tab');
      }
      if (!shot) {
        await clerk.screenshot({ path: join(REPO, 'docs/console-letter-review.png'), fullPage: true });
        shot = true;
      }
      // Enter accepts: the flash names the case and the next letter opens (or the list, when none is read yet).
      await tabTo(clerk, 'rv-facts');
      await clerk.keyboard.press('Enter');
      await clerk.locator('#flash', { hasText: `${letter}：已立案` }).waitFor({ timeout: 60_000 });
      done.add(letter);
    }
    const allMs = Date.now() - t0;

    // 20 cases, each equal to its label, with the transcript; every letter confirmed.
    const list = (await http.call('GET', '/api/console/letters', { token })).body;
    expect(list.batches).toEqual([expect.objectContaining({ batch: 'batch-20', letters: LETTERS, confirmed: LETTERS, pending: 0, reading: false })]);
    const cases = (await http.call('GET', '/api/cases?limit=100', { token })).body.items;
    expect(cases).toHaveLength(LETTERS);
    for (const label of labels) {
      const item = list.items.find((x: { letter: string }) => x.letter === label.id);
      expect([label.id, item?.status]).toEqual([label.id, 'confirmed']);
      const c = (await http.call('GET', `/api/cases/${item.caseId}`, { token })).body;
      const got = {
        name: c.intake.complainant.name,
        phone: c.intake.complainant.phone,
        address: c.intake.complainant.address,
        respondentUnit: c.intake.respondent.unit,
        respondentPerson: c.intake.respondent.person,
        matter: c.intake.matter,
        facts: c.intake.facts,
        envelopeDate: c.intake.channelDetails.envelopeDate,
      };
      expect([label.id, got]).toEqual([label.id, { ...label.fields, respondentPerson: label.fields.respondentPerson }]);
      expect(c.intake.channel).toBe('letter');
      expect(typeof c.intake.channelDetails.ocrText).toBe('string');
      expect(c.intake.channelDetails.ocrText).toContain(label.fields.phone);
      // The confirmation is on the case's audit trail.
      const audit = (await http.call('GET', `/api/cases/${item.caseId}/audit`, { token })).body.items;
      expect(audit.some((a: { what: string; detail?: { review?: string } }) => a.what === 'letter_confirmed' && a.detail?.review === item.id)).toBe(true);
    }
    // The case page shows the transcript.
    await clerk.goto(`${base}/console/cases/${encodeURIComponent(cases[0].caseId)}`);
    await clerk.locator('#case-transcript').waitFor();
    console.log(
      JSON.stringify({
        letters: LETTERS,
        firstReadSeconds: Math.round(firstReadMs / 1000),
        allConfirmedSeconds: Math.round(allMs / 1000),
        fieldsAcceptedAsProposed: accepted,
        fieldsTyped: typed,
        fieldsMarkedForClerk: marked.length,
        marked,
        filledButMisread: misread,
      }),
    );
  }, 2_400_000);
});
