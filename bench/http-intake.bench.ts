/**
 * Intake over HTTP on the embedded runtime (infra/local/runtime.ts, started in-process on random loopback ports,
 * a fresh data directory on disk): autocannon POSTs valid complaints to /api/complaints for a bounded time and
 * number of requests, in two scenarios with the same connections, duration and durability, each on its own
 * runtime and data directory:
 * - (a) distinct complaints: every request a different complainant (name, phone), a respondent among the
 *   jurisdiction's departments and a matter generated from templates and the request's index, so that the
 *   duplicate matcher finds nothing to merge: the path of a new case, which is what a county mostly sees;
 * - (b) repeated complaint: the same complainant, unit and dates each time (random wording), so the duplicate
 *   matcher merges nearly all of them into a few open cases: the automatic-merge path into growing cases.
 * Every request has its own Idempotency-Key, so each one costs the whole intake: validation, claim, tracking
 * number, duplicate check and index, case write (and, for a merge, the join into the open case), execution start
 * (the in-process engine screens the case in the same process), and the acknowledgement in the outbox.
 * Target: ≥ 200 complaints/s with p99 ≤ 100 ms on two cores.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmix32, jaccard, shingles } from '../shared/domain/duplicates/minhash';
import { normaliseText } from '../shared/domain/duplicates/normalize';
import type { Department } from '../shared/domain/jurisdiction';
import { startRuntime } from '../infra/local/runtime';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 20_000);
const WARM_UP_REQUESTS = 200;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

// ------------------------------------------------------------------------------------------ (b) repeated complaint

const COMMON =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
/**
 * The repeated complaint: random wording, but always the same complainant (name and phone), unit and dates, so
 * the duplicate matcher merges most of them into the first few open cases (art. 11). Also used by
 * bench/smtp-burst.bench.ts for its matter and facts.
 */
export function benchComplaint(n: number, prefix = '压测'): Record<string, unknown> {
  let words = '';
  for (let i = 0; i < 80; i++) words += COMMON[Math.floor(Math.random() * COMMON.length)];
  return {
    complainant: { name: '压测用户', phone: '13800138000', email: `bench${n}@example.cn` },
    respondent: { unit: '遂宁市船山区市场监督管理局' },
    matter: `${prefix}第 ${n} 件：${words}`,
    facts: '2026年2月26日、27日和3月1日三次前往政务服务中心。',
  };
}

// ------------------------------------------------------------------------------------------ (a) distinct complaints

/** Deterministic 32-bit mix of an index and a salt (murmur3 finaliser): each slot varies independently. */
const mix = (n: number, salt: number): number => fmix32(Math.imul(n + 0x9e3779b9 * salt, 0x85ebca6b) ^ salt);
const pick = <T>(list: readonly T[], n: number, salt: number): T => list[mix(n, salt) % list.length] as T;
const between = (lo: number, hi: number, n: number, salt: number): number => lo + (mix(n, salt) % (hi - lo + 1));

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢';
const GIVEN = '秀英华明丽军平芳建国伟敏静强磊洋艳勇杰娟涛超霞刚桂兰玉萍红梅鹏飞云海燕波宁辉斌丹琳晓慧春志文凤龙婷浩雪瑶欣悦思源佳宇泽';
/** A full name per index, distinct for every n below SURNAMES × GIVEN² (a bijection of the index modulo that). */
export function complainantName(n: number): string {
  const s = [...SURNAMES];
  const g = [...GIVEN];
  const size = s.length * g.length * g.length;
  const i = ((((n % size) * 7919) % size) + size) % size;
  return `${s[i % s.length]}${g[Math.floor(i / s.length) % g.length]}${g[Math.floor(i / s.length / g.length) % g.length]}`;
}
/** A mobile number per index, distinct for every n below 10⁸. */
export const complainantPhone = (n: number): string => `139${String((n * 7919 + 24_680_135) % 100_000_000).padStart(8, '0')}`;

/** Services citizens ask each department of 510903 for; unknown codes fall back to GENERIC_SERVICES. */
const SERVICES: Record<string, readonly string[]> = {
  SCJGJ: ['个体工商户营业执照变更', '食品经营许可证延续', '企业名称变更登记', '消费投诉处理结果查询'],
  ZRZYGHJ: ['建设工程规划许可', '农村宅基地审批', '农房建设规划核实'],
  BDCDJ: ['二手房转移登记', '抵押权注销登记', '不动产权证书补发'],
  RSJ: ['退休待遇核定', '失业保险金申领', '职业技能提升补贴申领'],
  YBJ: ['医保异地就医备案', '门诊慢特病待遇认定', '生育津贴申领'],
  GJJ: ['住房公积金提取', '公积金贷款审批', '公积金账户转移'],
  GAFJ: ['户口迁移', '居住证办理', '身份证补领'],
  CGS: ['驾驶证期满换证', '机动车转移登记', '车辆检验预约'],
  XZSPJ: ['企业开办一件事', '施工许可证核发', '投资项目备案'],
  SWJ: ['增值税发票申领', '个人所得税汇算退税', '房产交易契税缴纳'],
  ZJJ: ['物业专项维修资金申请', '商品房预售资金监管查询', '建筑业企业资质延续'],
  JTYSJ: ['道路运输证年审', '出租汽车驾驶员从业资格证', '网约车运输证办理'],
  WJJ: ['出生医学证明补发', '医师执业注册变更', '公共场所卫生许可'],
  MZJ: ['最低生活保障申请', '婚姻登记预约', '残疾人两项补贴'],
  JTJ: ['小学一年级学位申请', '学籍转入', '教师资格认定'],
  STHJJ: ['建设项目环评审批', '排污许可证变更', '夜间施工噪声投诉处理'],
  GD: ['低压居民新装用电', '电表过户', '多缴电费退还'],
};
const GENERIC_SERVICES = ['证明材料开具', '政务服务事项咨询', '审批结果查询'];
const PLACES = [
  '区政务服务中心一楼',
  '区政务服务中心二楼',
  '龙坪街道便民服务中心',
  '南津路街道便民服务中心',
  '老池镇便民服务中心',
  '永兴镇便民服务中心',
  '河沙镇便民服务中心',
  '唐家乡便民服务站',
  '北固镇便民服务中心',
  '新桥镇便民服务中心',
  '育才路街道便民服务中心',
  '凯旋路街道便民服务中心',
];
const MATERIALS = ['房屋租赁合同原件', '社区出具的居住证明', '近三个月银行流水', '无犯罪记录证明', '原单位离职证明', '经过公证的委托书', '户籍所在地派出所证明', '两寸彩色证件照'];
const PROBLEMS: readonly ((n: number, other: string) => string)[] = [
  (n) => `窗口要求补交办事指南里根本没有列出的${pick(MATERIALS, n, 11)}`,
  (n) => `材料交齐以后系统一直显示“审核中”，已经超过承诺时限${between(3, 40, n, 12)}个工作日`,
  (n, other) => `工作人员说要先到${other}开证明，${other}又说不归他们管，两头来回跑了${between(2, 7, n, 13)}趟`,
  () => '窗口以“系统维护”为由拒绝受理，也没有出具一次性告知书',
  () => '线上预约成功的号到了现场不认，非要我重新排队取号',
  (n) => `收费项目没有公示，工作人员收了${between(20, 900, n, 14)}元却不给正式票据`,
  () => '办理时工作人员一直在玩手机，问他进度态度非常生硬',
  () => '同一件事三个窗口说法各不相同，每个都让我去找另一个窗口',
  (n) => `网上申请提交后被退回${between(2, 6, n, 15)}次，每次退回的理由都不一样`,
  () => '负责审批的同志休假，其他人都说只能等他回来才能办',
  () => '咨询热线一直没人接，到了现场才知道政策早就调整了',
  () => '短信通知说已经办结，可是证件到现在都没有拿到手',
  () => '窗口坚持要求本人到场，我行动不便申请上门服务被拒绝',
  (n) => `说好的即办件让我等了${between(5, 60, n, 16)}天，期间没有任何人通知我`,
  () => '自助机打印出来的表格格式不对，窗口不收又不肯人工录入',
  () => '午休时间大厅没人值守，下午开门后号又被提前取完',
  (n, other) => `明明可以数据共享的信息，还要我自己去${other}打印盖章`,
  () => '提交的原件被弄丢了，现在反过来要我重新去补办',
  () => '窗口只收现金不收扫码，附近又找不到取款机',
  (n) => `审批意见写的是“材料不全”，问缺哪一份谁也说不清，前后拖了${between(2, 8, n, 23)}周`,
  () => '办事大厅的指引牌和实际窗口对不上，问了导办员也不知道',
  () => '我按要求邮寄了材料，对方签收后却说从来没收到',
  () => '工作人员私下建议我找中介代办，说这样会快一些',
  () => '政务服务网上显示可以全程网办，实际还是被要求到现场',
];
const SITUATIONS = [
  '刚从外地回来工作',
  '在城区经营一家小餐馆',
  '是退休的中学老师',
  '在工地上打零工',
  '刚刚大学毕业',
  '家里有两个孩子在上学',
  '腿脚不好需要拄拐',
  '在外省务工只能请假回来',
  '开了一家五金店',
  '是一名网约车司机',
  '家中老人常年卧病',
  '经营着一个养殖场',
  '在本地一家工厂上班',
  '刚买了第一套房子',
  '是一名个体货车司机',
  '正在筹办一家小公司',
];
const CONSEQUENCES: readonly ((n: number) => string)[] = [
  () => '导致公司新门店无法按期开业',
  () => '孩子入学手续因此被耽误',
  () => '影响了我按时领取养老金',
  () => '家里老人住院的费用一直报销不了',
  () => '房屋买卖合同眼看就要违约',
  (n) => `我为此已经请了${between(2, 9, n, 21)}天假`,
  () => '工地只能停工等着',
  (n) => `每个月要多付${between(300, 3000, n, 22)}元利息`,
  () => '车辆没办法正常营运',
  () => '一家人的生活费没有着落',
  () => '银行放款期限马上就到了',
  () => '新招的员工没办法办理入职',
  () => '单位已经催了好几次要材料',
  (n) => `来回路费和误工费已经花了${between(100, 1500, n, 24)}元`,
  () => '老家的亲戚还以为我在骗他们',
  () => '我连续几个晚上都睡不好觉',
];
const REQUESTS = [
  '请求查明原因，尽快给我办结。',
  '希望相关部门说明不予办理的依据。',
  '请求退还不合理收取的费用并公开收费标准。',
  '希望对相关工作人员批评教育并向我道歉。',
  '请求明确到底由哪个部门负责，不要再互相推诿。',
  '请尽快答复，并一次性告知还需要补充什么材料。',
  '希望落实一次性告知制度，别再让群众反复跑。',
  '请督促承办单位在规定时限内办理。',
  '恳请领导过问一下，给个明确说法。',
  '希望以后能在网上把手续办完。',
  '请把处理结果书面告诉我。',
  '要求赔偿我来回奔波的损失。',
  '希望大厅增加值守人员，别让群众干等。',
  '请核实后给我回个电话。',
  '只想知道这件事还要等多久。',
  '请按承诺时限办理，不要一拖再拖。',
];

/** `YYYY年M月D日` in Beijing time, `daysBack` days before now. */
function chineseDate(daysBack: number): string {
  const d = new Date(Date.now() + 8 * 3_600_000 - daysBack * 86_400_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/**
 * A complaint of its own for index n: its complainant (name, phone, mail), a respondent among `departments`
 * (sometimes written by an alias, as citizens do), and a matter composed from independent template slots
 * (sentence frame, place, service of that department, problem, consequence, request, numbers and dates).
 */
export function distinctComplaint(n: number, departments: readonly Department[]): Record<string, unknown> {
  const dept = pick(departments, n, 1);
  const other = pick(
    departments.filter((d) => d.code !== dept.code),
    n,
    2,
  );
  const unit = mix(n, 3) % 3 === 0 && dept.aliases.length > 0 ? pick(dept.aliases, n, 4) : dept.name;
  const service = pick(SERVICES[dept.code] ?? GENERIC_SERVICES, n, 5);
  const place = pick(PLACES, n, 6);
  const date = chineseDate(between(2, 80, n, 7));
  const problem = pick(PROBLEMS, n, 8)(n, other.aliases[0] ?? other.name);
  const consequence = pick(CONSEQUENCES, n, 9)(n);
  const request = pick(REQUESTS, n, 10);
  const window = between(1, 36, n, 17);
  const visits = between(2, 6, n, 18);
  const situation = pick(SITUATIONS, n, 25);
  const frames = [
    () => `${date}我到${place}${window}号窗口办理${service}，${problem}，${consequence}。${request}`,
    () => `我${situation}。为了${service}，从${date}起先后去了${place}${visits}次，${problem}。${consequence}，${request}`,
    () => `${date}通过网上办事大厅申请${service}，${problem}。现在${consequence}。${request}`,
    () => `反映${unit}办理${service}的问题：${problem}，${consequence}。${request}`,
    () => `本人${situation}，${date}在${place}申请${service}。${problem}。${request}`,
    () => `${service}的事情拖了很久：${problem}。${consequence}。我${situation}，${request}`,
  ];
  return {
    complainant: { name: complainantName(n), phone: complainantPhone(n), email: `citizen${n}@example.cn` },
    respondent: { unit },
    matter: pick(frames, n, 19)(),
    facts: `${date}前往${place}，前后共${visits}次，每次排队约${between(1, 4, n, 20)}小时。`,
  };
}

/** Nearest-neighbour character-bigram Jaccard (as the duplicate matcher computes it) over generated matters. */
function nearestJaccard(matters: string[]): { median: number; p95: number; max: number; over06: number } {
  const sets = matters.map((m) => shingles(normaliseText(m)));
  const nearest = sets.map((a, i) => sets.reduce((best, b, j) => (i === j ? best : Math.max(best, jaccard(a, b))), 0));
  nearest.sort((a, b) => a - b);
  const at = (q: number) => nearest[Math.min(nearest.length - 1, Math.floor(q * nearest.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), max: at(1), over06: nearest.filter((x) => x >= 0.6).length };
}

// ------------------------------------------------------------------------------------------ the measurement

interface Scenario {
  label: string;
  payload: (n: number, departments: readonly Department[]) => Record<string, unknown>;
}
const SCENARIOS: Scenario[] = [
  { label: '(a) distinct complaints', payload: distinctComplaint },
  { label: '(b) repeated complaint', payload: (n) => benchComplaint(n) },
];

/** The documented knob for a load test from one address (docs/limits.md): only the complaint rate is raised. */
const BENCH_LIMITS = { complaints: { perMinute: 10_000_000 } };

const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
const perRequest = (x: number, sent: number): number => Number((x / Math.max(1, sent)).toFixed(1));
const phaseList = (m: Map<string, number>): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

async function measure(autocannon: Autocannon, scenario: Scenario): Promise<{ rows: Record<string, number | string>; matters: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tousu-bench-http-'));
  // One load generator on loopback is one client address: the per-address limit (20 complaints a minute by
  // default, tested in test/reliability/public-limits.test.ts) is raised the way an operator would, in the data
  // directory's tousu.config.json (docs/limits.md), so that intake itself is measured with the limiter running.
  writeFileSync(join(dataDir, 'tousu.config.json'), JSON.stringify({ limits: BENCH_LIMITS }, null, 2));
  const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, quiet: true, logFormat: 'json' });
  const departments = rt.jurisdiction.departments;
  let n = 0;
  const matters: string[] = [];
  const request = (req: Record<string, unknown>) => {
    const payload = scenario.payload(n, departments);
    matters.push(String(payload.matter));
    return { ...req, method: 'POST', path: '/api/complaints', headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${process.pid}-${n++}` }, body: JSON.stringify(payload) };
  };
  try {
    // Warm-up (JIT, first tracking counter), not measured.
    await autocannon({ url: rt.httpUrl, connections: 2, amount: WARM_UP_REQUESTS, requests: [{ setupRequest: request }] });
    await rt.workflow.idle();
    const before = n;
    const since = new Date().toISOString();
    // Profiling only (the workload is unchanged): SQLite store calls and write transactions of the runtime, CPU of
    // this process and the main event loop's utilisation.
    const stats0 = rt.storeStats();
    const loadStart = load();
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    let r: AutocannonResult;
    let settleMs: number;
    let cpuRun: NodeJS.CpuUsage;
    let eluRun: { utilization: number };
    let backlog: number;
    {
      r = await autocannon({ url: rt.httpUrl, connections: CONNECTIONS, duration: DURATION_S, maxOverallRequests: MAX_REQUESTS, requests: [{ setupRequest: request }] });
      cpuRun = process.cpuUsage(cpu0);
      eluRun = performance.eventLoopUtilization(elu0);
      backlog = rt.workflow.engine.busyCount();
      const t = Date.now();
      await rt.workflow.idle();
      settleMs = Date.now() - t;
    }
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const loadEnd = load();
    const sent = n - before;
    const stats1 = rt.storeStats();
    const all = new Map<string, number>();
    const measured = new Map<string, number>();
    let possible = 0;
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const c of page.items) {
        all.set(c.phase, (all.get(c.phase) ?? 0) + 1);
        if (c.createdAt < since) continue;
        measured.set(c.phase, (measured.get(c.phase) ?? 0) + 1);
        if (c.flags.possibleDuplicateOf?.length) possible++;
      }
      cursor = page.cursor;
    }
    const p = scenario.label;
    return {
      matters,
      rows: {
        [`${p}: requests sent / 2xx`]: `${sent} / ${r['2xx']}`,
        [`${p}: non-2xx / errors / timeouts`]: `${r.non2xx} / ${r.errors} / ${r.timeouts}`,
        [`${p}: complaints per second (target ≥ 200)`]: Number((r['2xx'] / r.duration).toFixed(1)),
        [`${p}: latency p50 / p90 / p97.5 (ms)`]: `${r.latency.p50} / ${r.latency.p90} / ${r.latency.p97_5}`,
        [`${p}: latency p99 (ms, target ≤ 100)`]: r.latency.p99,
        [`${p}: latency max (ms)`]: r.latency.max,
        [`${p}: cases by phase, measured run`]: phaseList(measured),
        [`${p}: cases by phase, warm-up included`]: phaseList(all),
        [`${p}: measured cases flagged as possible duplicates`]: possible,
        [`${p}: SQLite store calls / write transactions per request (all, incl. the engine)`]: `${perRequest(stats1.calls - stats0.calls, sent)} / ${perRequest(stats1.transactions - stats0.transactions, sent)}`,
        [`${p}: process CPU ms per request, during the run / including the engine's catch-up`]: `${perRequest((cpuRun.user + cpuRun.system) / 1000, sent)} / ${perRequest((cpu.user + cpu.system) / 1000, sent)}`,
        [`${p}: main event loop utilisation, during the run / including the catch-up`]: `${eluRun.utilization.toFixed(2)} / ${elu.utilization.toFixed(2)}`,
        [`${p}: executions not yet parked when the run ended (engine backlog)`]: backlog,
        [`${p}: engine busy after the run (ms)`]: settleMs,
        [`${p}: load average 1 / 5 / 15 min, start → end`]: `${loadStart} → ${loadEnd}`,
      },
    };
  } finally {
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const autocannon = (await import('autocannon' as string)).default as Autocannon;
  const results: Record<string, number | string> = { connections: CONNECTIONS, 'duration per scenario (s)': DURATION_S, 'warm-up requests per scenario (not measured)': WARM_UP_REQUESTS };
  let distinctMatters: string[] = [];
  // BENCH_SCENARIO=a or b runs one scenario only (for trying a change; the documented figures run both).
  const only = process.env.BENCH_SCENARIO;
  for (const scenario of SCENARIOS.filter((s) => !only || s.label.startsWith(`(${only})`))) {
    const { rows, matters } = await measure(autocannon, scenario);
    Object.assign(results, rows);
    if (scenario.payload === distinctComplaint) distinctMatters = matters;
  }
  const nn = nearestJaccard(distinctMatters);
  results['(a) matters: nearest-neighbour bigram Jaccard, median / p95 / max'] = `${nn.median.toFixed(2)} / ${nn.p95.toFixed(2)} / ${nn.max.toFixed(2)}`;
  results['(a) matters with a neighbour at Jaccard ≥ 0.6'] = `${nn.over06} of ${distinctMatters.length}`;
  return {
    name: 'HTTP intake on the embedded runtime (autocannon, loopback): distinct complaints and a repeated complaint',
    results,
    notes: `Each scenario runs on its own runtime and fresh data directory, with the same settings: ${CONNECTIONS} connections, ${DURATION_S} s or ${MAX_REQUESTS} requests, whichever comes first (BENCH_CONNECTIONS, BENCH_DURATION_S, BENCH_MAX_REQUESTS), after a warm-up of ${WARM_UP_REQUESTS} requests on 2 connections. One process runs everything (HTTP, intake, duplicate matching, dynalite on disk in a worker thread, the engine screening each new case, the outbox), as \`tousu start\` does. The public rate limiter (functions/api/rate-limit.ts) runs, with its per-address complaint rate raised by configuration (\`tousu.config.json\`: \`{"limits": {"complaints": {"perMinute": 10000000}}}\`, docs/limits.md): the load generator is one client address, which the default would refuse after 20 a minute. (a) distinct complaints: each request its own complainant (name and phone), a respondent among the jurisdiction's departments (one in three written by an alias) and a matter composed deterministically from templates and the request's index (\`distinctComplaint\`); the last two rows measure how far apart the generated matters are, with the matcher's own bigram Jaccard. (b) repeated complaint: the same complainant, unit and dates in every request, random wording (\`benchComplaint\`): the duplicate matcher merges nearly all of them into a few open cases. What a request does: validation, idempotency claim, tracking number, bind, duplicate check (one BatchGetItem of the index, one of the candidate cases), the case item (its first events stay pending for the screening task's read), the identity keys of the duplicate index (3 UpdateItem), the evaluation facts, the workflow start and the acknowledgement mail in the outbox; about 11 DynamoDB calls. The engine's share (screening: the event flush, the 35 duplicate-index keys, the case update, the wait) runs behind it: while requests are in flight the engine runs one task function at a time (infra/local/runtime.ts, ENGINE_TASKS_BUSY), so in a burst it falls behind and catches up afterwards ("executions not yet parked when the run ended" and "engine busy after the run"); sustained over a long run, intake plus screening together run at about (requests sent) / (duration + catch-up). Profile rows: DynamoDB commands counted on the document client over the measured run and the catch-up, divided by the requests sent; CPU from process.cpuUsage() at the end of the run and again after the catch-up; utilisation of the main event loop and of the dynalite worker thread (Worker.performance.eventLoopUtilization) during the run; "cases by phase, measured run" counts cases created after the warm-up (merged = joined to an open case; dispatch = a new case screened and waiting for dispatch). (b) is bounded by rewriting the growing merge target (up to 200 KB, MAX_AUTO_MERGE_TARGET_BYTES) once per merge, serialised per target: its cost is in the dynalite thread. Load average from os.loadavg() at the start and end of each measured run (two cores: above 2 means other work was waiting for the CPU).`,
  };
}
