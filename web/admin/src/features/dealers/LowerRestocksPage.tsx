// 下级进货 (a dealer's own screen): restocks its lower dealers took from its stock, with what each paid it.
import { Alert, Card } from 'antd';
import { describeError, useApi } from '../../hooks';
import { useT } from '../../i18n';
import type { Items } from '../../types';
import { RestockTable } from './shared';
import type { Restock } from './types';

export default function LowerRestocksPage() {
  const coreT = useT();
  const list = useApi<Items<Restock>>('/api/dealer/lower-restocks', { limit: 100 });
  return (
    <Card>
      {list.error && <Alert type="error" showIcon title={describeError(list.error, coreT)} style={{ marginBottom: 16 }} />}
      <RestockTable items={list.data?.items ?? []} loading={list.loading} testId="lower-restocks-table" />
    </Card>
  );
}
