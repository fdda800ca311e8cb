import { staffSubmit } from '../../functions/staff-intake/service';
import { ValidationError } from '../../shared/domain/errors';
import { startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';
import { PNG } from '../fixtures/channels/apigw';

// An OCR transcript is kept with a letter only when the review service read it (issue 24): a keyed entry that
// carries `ocrText` is refused, so no transcript can be set that OCR never produced.
describe('staff letter intake: the OCR transcript comes from the review service only', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const entry = {
    file: 'letter-1.png',
    name: '王五',
    phone: '13812345678',
    address: '遂宁市船山区明月路 1 号',
    matter: '到不动产登记中心办理过户，窗口要求提供办事指南未列出的材料。',
  };
  const actor = { kind: 'staff' as const, id: 'clerk-1', role: 'agency' as const };
  const files = [{ filename: 'letter-1.png', bytes: PNG }];

  it('refuses an entry that brings its own transcript, with a precise code and nothing filed', async () => {
    const err = await staffSubmit(h.deps, 'letter', { ...entry, ocrText: '伪造的识别文本' }, files, actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([expect.objectContaining({ field: 'ocrText', code: 'ocr_text_not_accepted' })]);
    expect(h.started).toHaveLength(0);
  });

  it('keeps the transcript the review service passes', async () => {
    const r = await staffSubmit(h.deps, 'letter', entry, files, actor, undefined, { ocrText: '投诉信 识别全文' });
    const c = await h.deps.store.get(r.caseId);
    expect(c?.intake.channelDetails?.ocrText).toBe('投诉信 识别全文');
  });
});
