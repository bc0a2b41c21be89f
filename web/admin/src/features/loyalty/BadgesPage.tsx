// 徽章与荣誉: the badge catalogue with holder counts, who earned which badge, and the honour top list.
import { Alert, Card, Col, Row, Select, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { formatDateTime, formatInt } from '../../format';
import { describeError, useApi } from '../../hooks';
import { useFeatureT, useLocale, useT } from '../../i18n';
import type { Badge } from './shared';

interface Award {
  memberId: number;
  nickname: string;
  badgeCode: string;
  awardedAt: string;
}

interface HonourRow {
  rank: number;
  name: string;
  lifetimeEarned: number;
  level: string;
}

export default function BadgesPage() {
  const ft = useFeatureT();
  const t = useT();
  const { locale } = useLocale();
  const catalogue = useApi<{ items: Badge[] }>('/api/admin/loyalty/badges');
  const [badgeCode, setBadgeCode] = useState<string | undefined>();
  const awards = useApi<{ items: Award[] }>('/api/admin/loyalty/badges/awards', { badgeCode, limit: 50 });
  const top = useApi<{ items: HonourRow[] }>('/api/admin/loyalty/honour/top', { limit: 20 });
  const badges = catalogue.data?.items ?? [];
  const nameOf = (code: string) => {
    const b = badges.find((x) => x.code === code);
    return b ? (locale === 'en' ? b.nameEn : b.name) : code;
  };

  return (
    <Row gutter={[16, 16]}>
      {catalogue.error && (
        <Col span={24}>
          <Alert type="error" showIcon title={describeError(catalogue.error, t)} />
        </Col>
      )}
      {badges.map((b) => (
        <Col xs={12} md={6} key={b.code}>
          <Card data-testid={`badge-card-${b.code}`}>
            <Statistic title={`${nameOf(b.code)}`} value={b.holders} suffix={ft('loyalty.badges.holders')} />
            <div style={{ color: '#888', fontSize: 12, marginTop: 8 }}>{b.description}</div>
          </Card>
        </Col>
      ))}
      <Col xs={24} lg={14}>
        <Card
          title={ft('loyalty.badges.awards')}
          extra={<Select allowClear placeholder={ft('loyalty.badges.badge')} style={{ width: 160 }} value={badgeCode} onChange={setBadgeCode} options={badges.map((b) => ({ value: b.code, label: nameOf(b.code) }))} data-testid="badge-filter" />}
        >
          <Table<Award>
            rowKey={(r) => `${r.memberId}-${r.badgeCode}`}
            loading={awards.loading}
            dataSource={awards.data?.items ?? []}
            pagination={false}
            size="small"
            data-testid="badge-awards-table"
            columns={[
              { title: ft('loyalty.ledger.member'), key: 'm', render: (_v, r) => `${r.nickname} #${r.memberId}` },
              { title: ft('loyalty.badges.badge'), dataIndex: 'badgeCode', render: (v: string) => <Tag color="gold">{nameOf(v)}</Tag> },
              { title: ft('loyalty.col.time'), dataIndex: 'awardedAt', render: formatDateTime },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card title={ft('loyalty.honour.top')}>
          <Table<HonourRow>
            rowKey="rank"
            loading={top.loading}
            dataSource={top.data?.items ?? []}
            pagination={false}
            size="small"
            data-testid="honour-table"
            columns={[
              { title: '#', dataIndex: 'rank', width: 50 },
              { title: ft('loyalty.ledger.member'), dataIndex: 'name' },
              { title: ft('loyalty.honour.level'), dataIndex: 'level', render: (v: string) => <Tag>{ft(`loyalty.honour.${v}`)}</Tag> },
              { title: ft('loyalty.honour.lifetime'), dataIndex: 'lifetimeEarned', align: 'right', render: (v: number) => formatInt(v) },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
