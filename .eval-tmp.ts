import { generateLabelledSet } from './test/fixtures/duplicates/labelled-set';
import { evaluate } from './test/fixtures/duplicates/evaluate';
const seed = Number(process.argv[2] ?? 20250301);
const set = generateLabelledSet(seed);
const t0 = Date.now();
const e = await evaluate(set);
const { decisionsById, falseAuto, missed, ...rest } = e;
console.log(JSON.stringify(rest, null, 1), Date.now() - t0, 'ms');
const byId = new Map(set.items.map((x) => [x.id, x]));
const show = (id: string) => { const x = byId.get(id)!; return `${x.id} ${x.cluster} ${x.group} ${x.intake.channel} ${JSON.stringify(x.intake.complainant)} | ${x.intake.matter.slice(0,80)} | ${(x.intake.facts??'').slice(0,120)}`; };
console.log('--- false auto', falseAuto.length);
for (const [a, b] of falseAuto.slice(0, 10)) { console.log(show(a)); console.log(show(b)); console.log(JSON.stringify(decisionsById.get(b))); console.log(); }
console.log('--- missed', missed.length);
for (const [a, b] of missed.slice(0, Number(process.argv[3] ?? 10))) { console.log(show(a)); console.log(show(b)); console.log(JSON.stringify(decisionsById.get(b)).slice(0,600)); console.log(); }
console.log('--- repeats');
for (const x of set.items.filter((i) => i.concludeClusterAt)) {
  const dd = decisionsById.get(x.id)!;
  if (dd.kind === 'repeat' && dd.newEvidence === x.expectNewEvidence) continue;
  console.log(show(x.id), x.expectNewEvidence, JSON.stringify(dd).slice(0, 700));
  const first = set.items.find((i) => i.cluster === x.cluster)!; console.log('  first:', show(first.id));
}
