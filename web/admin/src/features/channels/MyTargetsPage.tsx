// 我的目标 (the agent's own screen): the yearly target and progress per Asia/Shanghai quarter.
import { Alert } from 'antd';
import { useState } from 'react';
import { describeError, useApi } from '../../hooks';
import { useT } from '../../i18n';
import { TargetProgressCard } from './shared';
import type { TargetProgress } from './types';

export default function MyTargetsPage() {
  const coreT = useT();
  const [year, setYear] = useState(new Date().getFullYear());
  const progress = useApi<TargetProgress>('/api/agent/targets', { year });
  return (
    <>
      {progress.error && <Alert type="error" showIcon title={describeError(progress.error, coreT)} style={{ marginBottom: 16 }} />}
      <TargetProgressCard progress={progress.data} year={year} onYear={setYear} />
    </>
  );
}
