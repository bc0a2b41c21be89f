// 小店选品: the distributor picks which products its mini-shop shows and in which order; visitors who
// come through its share link see them first on the home page (ShowcaseSection). No picks: the mall.
import { Button, Checkbox, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorView, Loading, Price, ProductImage, SubPage, toastError, useLoad } from '../components';
import { useI18n } from '../i18n';
import type { Product } from '../../../shared/types';
import { ProductCard } from './Home';

const MAX_PICKS = 100;

export function ShowcasePage() {
  const { t } = useI18n();
  // what HQ lets mini-shops pick (选品)
  const all = useLoad(() => api.products({ selectable: 'true' }), []);
  const mine = useLoad(() => api.myShowcase(), []);
  const [picks, setPicks] = useState<number[] | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (mine.data && picks === null) setPicks(mine.data.pickIds);
  }, [mine.data, picks]);

  if ((all.loading && !all.data) || (mine.loading && !mine.data) || picks === null) {
    return (
      <SubPage title={t('showcase.title')} back="/centre">
        {all.error || mine.error ? <ErrorView error={all.error ?? mine.error} onRetry={() => { all.reload(); mine.reload(); }} /> : <Loading />}
      </SubPage>
    );
  }
  const products = all.data?.items ?? [];
  const byId = new Map(products.map((p) => [p.id, p]));
  // picks that went off sale stay picked but are not in the mall's list
  const picked = picks.map((id) => byId.get(id)).filter((p): p is Product => !!p);
  const toggle = (id: number, on: boolean) => setPicks((p) => (on ? (p!.length < MAX_PICKS ? [...p!, id] : p!) : p!.filter((x) => x !== id)));
  const move = (id: number, by: -1 | 1) =>
    setPicks((p) => {
      const list = [...p!];
      const i = list.indexOf(id);
      const j = i + by;
      if (i < 0 || j < 0 || j >= list.length) return list;
      [list[i], list[j]] = [list[j]!, list[i]!];
      return list;
    });
  const save = async () => {
    setSaving(true);
    try {
      await api.setShowcase(picks.filter((id) => byId.has(id)));
      Toast.show({ icon: 'success', content: <span data-testid="showcase-saved">{t('showcase.saved')}</span> });
      mine.reload();
    } catch (error) {
      toastError(error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <SubPage title={t('showcase.title')} back="/centre" testId="showcase-page">
      <div className="card">
        <div className="card-title">{t('showcase.picked', { n: picked.length })}</div>
        {picked.length === 0 && <div className="muted small">{t('showcase.none')}</div>}
        {picked.map((p, i) => (
          <div className="showcase-row" key={p.id} data-testid="showcase-picked" data-product-id={p.id}>
            <span className="muted small">{i + 1}</span>
            <ProductImage src={p.imageUrl} title={p.title} seed={p.id} className="showcase-thumb" />
            <span className="showcase-title">{p.title}</span>
            <span className="showcase-moves">
              <Button size="mini" disabled={i === 0} onClick={() => move(p.id, -1)} data-testid="showcase-up">↑</Button>
              <Button size="mini" disabled={i === picked.length - 1} onClick={() => move(p.id, 1)} data-testid="showcase-down">↓</Button>
            </span>
          </div>
        ))}
        <Button block color="primary" shape="rounded" loading={saving} onClick={() => void save()} data-testid="showcase-save" style={{ marginTop: 12 }}>
          {t('showcase.save')}
        </Button>
      </div>
      <div className="card">
        <div className="card-title">{t('showcase.all')}</div>
        {products.map((p) => (
          <div className="showcase-row" key={p.id} data-testid="showcase-product" data-product-id={p.id}>
            <Checkbox checked={picks.includes(p.id)} onChange={(on) => toggle(p.id, on)} data-testid="showcase-check" />
            <ProductImage src={p.imageUrl} title={p.title} seed={p.id} className="showcase-thumb" />
            <span className="showcase-title">{p.title}</span>
            <Price fen={p.minPriceFen} size="sm" />
          </div>
        ))}
      </div>
    </SubPage>
  );
}

/** On the home page of a visitor who came through a share link: the mini-shop's picks, first. */
export function ShowcaseSection({ inviteCode }: { inviteCode: string | null }) {
  const { t } = useI18n();
  const shown = useLoad(() => (inviteCode ? api.showcase(inviteCode).catch(() => null) : Promise.resolve(null)), [inviteCode]);
  if (!shown.data?.picked || shown.data.items.length === 0) return null;
  return (
    <>
      <div className="section-title">
        <span className="section-bar" />
        {t('showcase.ownerPicks')}
      </div>
      <div className="product-grid" data-testid="showcase-grid">
        {shown.data.items.map((p) => (
          <ProductCard key={p.id} product={p} />
        ))}
      </div>
    </>
  );
}
