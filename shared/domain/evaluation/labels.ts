/** Chinese labels the renderers share. */
import type { ClockName } from '../case';

export const CLOCK_LABELS: Record<ClockName, string> = {
  dispatch: '交办',
  acceptance: '受理决定',
  result: '办理结果',
  rectification: '整改报备',
  reply: '答复',
  follow_up: '回访',
};
