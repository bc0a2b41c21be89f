// Named crash points for the reliability suite: with FENXIAO_CRASH_POINT=<name> the process kills
// itself with SIGKILL when it reaches that point, as a power cut would. Unset, they cost one compare.
export type CrashPoint =
  | 'payment.before-commit'
  | 'payment.after-commit'
  | 'refund.before-commit'
  | 'refund.after-commit'
  | 'unfreeze.before-commit'
  | 'unfreeze.after-commit'
  | 'payout.after-reserve'
  | 'payout.before-provider'
  | 'payout.after-provider';

const armed = process.env.FENXIAO_CRASH_POINT;

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
