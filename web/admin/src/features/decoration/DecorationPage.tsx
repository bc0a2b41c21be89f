// 店铺装修: the shop home page's banners, the order and visibility of its sections and of its tiles
// (GET/PUT /api/admin/decoration). A save names the version it was loaded at; someone else's save in
// between is refused (DECORATION_STALE) and the screen offers to reload.
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api';
import { formatDateTime } from '../../format';
import { describeError, useApi } from '../../hooks';
import { useFeatureT, useT } from '../../i18n';
import type { BodyOf, ResponseOf } from '../../../../shared/api';
import { BannerEditor, newUid, type BannerDraft } from './BannerEditor';
import { defaultSectionOrder, editorRows, HOME_TILES, moved, SECTION_LABELS, TILE_LABELS, type Placement } from './keys';

type Saved = ResponseOf<'/api/admin/decoration'>;
type SaveBody = BodyOf<'/api/admin/decoration', 'put'>;
const MAX_BANNERS = 8;

function draftsOf(saved: Saved): BannerDraft[] {
  return saved.banners.flatMap((b) =>
    b.image
      ? [{
          uid: newUid(),
          image: b.image,
          title: b.title,
          linkKind: b.link?.kind ?? 'none',
          productId: b.link?.kind === 'product' ? b.link.productId : null,
          category: b.link?.kind === 'category' ? b.link.category : '',
          path: b.link?.kind === 'path' ? b.link.path : '',
          startsAt: b.startsAt ? dayjs(b.startsAt) : null,
          endsAt: b.endsAt ? dayjs(b.endsAt) : null,
        }]
      : [],
  );
}

/** The banners as the server takes them; a message key (and banner number) when one is incomplete. */
function bannersBody(drafts: BannerDraft[]): { banners: SaveBody['banners'] } | { problem: string; n: number } {
  const banners: SaveBody['banners'] = [];
  for (const [i, b] of drafts.entries()) {
    if (!b.title.trim()) return { problem: 'decoration.titleRequired', n: i + 1 };
    const link =
      b.linkKind === 'product' && b.productId ? { kind: 'product' as const, productId: b.productId }
      : b.linkKind === 'category' && b.category.trim() ? { kind: 'category' as const, category: b.category.trim() }
      : b.linkKind === 'path' && /^\/(?![/\\])\S*$/.test(b.path) ? { kind: 'path' as const, path: b.path }
      : null;
    if (b.linkKind !== 'none' && !link) return { problem: 'decoration.linkRequired', n: i + 1 };
    banners.push({ mediaId: b.image.id, title: b.title.trim(), link, startsAt: b.startsAt?.toISOString() ?? null, endsAt: b.endsAt?.toISOString() ?? null });
  }
  return { banners };
}

function PlacementList({ testId, rows, setRows, labels }: { testId: string; rows: Placement[]; setRows: (fn: (r: Placement[]) => Placement[]) => void; labels: Record<string, string> }) {
  const t = useFeatureT();
  return (
    <div data-testid={testId}>
      {rows.map((row, i) => (
        <div key={row.key} data-testid={`${testId}-row`} data-key={row.key} data-visible={String(row.visible)} style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '8px 0', borderBottom: '1px solid #f5f5f5' }}>
          <Typography.Text style={{ flex: 1, minWidth: 0 }} type={row.visible ? undefined : 'secondary'}>
            {labels[row.key] ? t(labels[row.key]!) : row.key}
            {!labels[row.key] && <Tag style={{ marginLeft: 8 }}>{t('decoration.unknown')}</Tag>}
          </Typography.Text>
          <Switch
            checked={row.visible}
            checkedChildren={t('decoration.visible')}
            unCheckedChildren={t('decoration.hidden')}
            onChange={(visible) => setRows((r) => r.map((x) => (x.key === row.key ? { ...x, visible } : x)))}
            data-testid={`${testId}-visible`}
          />
          <Tooltip title={t('decoration.moveUp')}>
            <Button size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => setRows((r) => moved(r, i, i - 1))} aria-label={t('decoration.moveUp')} data-testid={`${testId}-up`} />
          </Tooltip>
          <Tooltip title={t('decoration.moveDown')}>
            <Button size="small" icon={<ArrowDownOutlined />} disabled={i === rows.length - 1} onClick={() => setRows((r) => moved(r, i, i + 1))} aria-label={t('decoration.moveDown')} data-testid={`${testId}-down`} />
          </Tooltip>
        </div>
      ))}
    </div>
  );
}

export default function DecorationPage() {
  const t = useFeatureT();
  const coreT = useT();
  const { message } = App.useApp();
  const loaded = useApi<Saved>('/api/admin/decoration');
  const [version, setVersion] = useState(0);
  const [banners, setBanners] = useState<BannerDraft[]>([]);
  const [sections, setSections] = useState<Placement[]>([]);
  const [tiles, setTiles] = useState<Placement[]>([]);
  const [stale, setStale] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);

  const adopt = (d: Saved) => {
    setVersion(d.version);
    setBanners(draftsOf(d));
    setSections(editorRows(d.sections, defaultSectionOrder(d.builtInSections)));
    setTiles(editorRows(d.tiles, HOME_TILES.map((x) => x.key)));
    setStale(null);
  };
  useEffect(() => {
    if (loaded.data) adopt(loaded.data);
  }, [loaded.data]);

  const save = async () => {
    const body = bannersBody(banners);
    if ('problem' in body) {
      message.error(t(body.problem, { n: body.n }));
      return;
    }
    setSaving(true);
    try {
      const saved = await api.put<Saved>('/api/admin/decoration', { version, banners: body.banners, sections, tiles } satisfies SaveBody);
      adopt(saved);
      message.success(t('decoration.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'DECORATION_STALE') setStale((e.extra.details as { currentVersion?: number } | undefined)?.currentVersion ?? version + 1);
      else message.error(describeError(e, coreT));
    } finally {
      setSaving(false);
    }
  };

  const d = loaded.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="decoration-page">
      <Card
        title={t('decoration.nav')}
        extra={
          <Space wrap>
            {d && <Typography.Text type="secondary" data-testid="decoration-version">{version ? `${t('decoration.version', { n: version })}${d.savedAt ? ` · ${t('decoration.savedAt', { at: formatDateTime(d.savedAt) })}` : ''}` : t('decoration.never')}</Typography.Text>}
            <Button type="primary" loading={saving} disabled={!d} onClick={() => void save()} data-testid="decoration-save">
              {t('decoration.save')}
            </Button>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary">{t('decoration.hint')}</Typography.Paragraph>
        {loaded.error && <Alert type="error" showIcon title={describeError(loaded.error, coreT)} />}
        {stale !== null && (
          <Alert
            type="warning"
            showIcon
            data-testid="decoration-stale"
            title={t('decoration.stale', { n: stale })}
            action={<Button size="small" onClick={loaded.reload} data-testid="decoration-reload">{t('decoration.reload')}</Button>}
          />
        )}
      </Card>
      {d && (
        <>
          <Card title={t('decoration.banners')} size="small">
            <BannerEditor banners={banners} setBanners={setBanners} max={MAX_BANNERS} />
          </Card>
          <Card title={t('decoration.sections')} size="small">
            <Typography.Paragraph type="secondary">{t('decoration.sectionsHint')}</Typography.Paragraph>
            <PlacementList testId="decoration-sections" rows={sections} setRows={setSections} labels={SECTION_LABELS} />
          </Card>
          <Card title={t('decoration.tiles')} size="small">
            <Typography.Paragraph type="secondary">{t('decoration.tilesHint')}</Typography.Paragraph>
            <PlacementList testId="decoration-tiles" rows={tiles} setRows={setTiles} labels={TILE_LABELS} />
          </Card>
        </>
      )}
    </Space>
  );
}
