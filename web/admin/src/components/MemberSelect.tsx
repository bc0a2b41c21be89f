// Pick a member by nickname, phone, invite code or ID (searches /api/admin/members).
import { Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { useT } from '../i18n';
import type { Member, MemberDetail, Page } from '../types';

interface Option {
  value: number;
  label: string;
}

const labelOf = (m: Pick<Member, 'id' | 'nickname' | 'phone'>) => `#${m.id} ${m.nickname} ${m.phone}`;

export function MemberSelect({
  value,
  onChange,
  placeholder,
  testId,
  exclude,
  style,
}: {
  value?: number | null;
  onChange?: (id: number | null) => void;
  placeholder?: string;
  testId?: string;
  exclude?: number;
  style?: React.CSSProperties;
}) {
  const t = useT();
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const search = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const found: Option[] = [];
        const text = q.trim();
        if (/^\d{1,9}$/.test(text)) {
          // a short number is most likely an ID
          try {
            const m = await api.get<MemberDetail>(`/api/admin/members/${text}`);
            found.push({ value: m.id, label: labelOf(m) });
          } catch {
            /* no such id: fall through to the search */
          }
        }
        const page = await api.get<Page<Member>>('/api/admin/members', { q: text || undefined, limit: 20 });
        for (const m of page.items) if (!found.some((o) => o.value === m.id)) found.push({ value: m.id, label: labelOf(m) });
        if (mine === seq.current) setOptions(found);
      } catch {
        if (mine === seq.current) setOptions([]);
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    }, 250);
  };

  useEffect(() => {
    search('');
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // keep the chosen value labelled even when it is not in the latest search results
  const [chosen, setChosen] = useState<Option | null>(null);
  useEffect(() => {
    if (value == null || options.some((o) => o.value === value) || chosen?.value === value) return;
    api
      .get<MemberDetail>(`/api/admin/members/${value}`)
      .then((m) => setChosen({ value: m.id, label: labelOf(m) }))
      .catch(() => setChosen({ value, label: `#${value}` }));
  }, [value, options, chosen]);

  const all = useMemo(() => {
    const list = options.filter((o) => o.value !== exclude);
    if (chosen && !list.some((o) => o.value === chosen.value)) list.push(chosen);
    return list;
  }, [options, chosen, exclude]);

  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      value={value ?? undefined}
      placeholder={placeholder ?? t('member.searchPlaceholder')}
      notFoundContent={loading ? <Spin size="small" /> : t('common.noData')}
      options={all}
      onChange={(v) => {
        const o = all.find((x) => x.value === v);
        if (o) setChosen(o);
        onChange?.(v ?? null);
      }}
      style={{ width: '100%', ...style }}
      data-testid={testId}
    />
  );
}
