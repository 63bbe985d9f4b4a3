import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { AppFile, FileContent, Page } from '../api/types';
import { CodeView } from '../components/code-view';
import { ErrorMessage } from '../components/error-message';
import { FileTree } from '../components/file-tree';
import { MarkdownView } from '../components/markdown-view';
import { EmptyState, Loading, QueryState } from '../components/query-state';

/** The file a preview opens with: the app's README at the top, where there is one. */
const firstFile = (files: readonly AppFile[] | undefined): string | null =>
  files?.find((file) => /^readme\.md$/i.test(file.path) && file.previewable !== false)?.path ?? null;

/** The version's files as a tree, and the chosen one: Markdown rendered (the README until another is picked), code highlighted. */
export function CodePreview({ appId, version }: { appId: string; version: string }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const files = useQuery({ queryKey: ['files', appId, version], queryFn: () => callRoute<Page<AppFile>>('listFiles', { params: { id: appId, version } }) });
  const selected = picked ?? firstFile(files.data?.items);
  const content = useQuery({
    queryKey: ['file', appId, version, selected],
    enabled: selected !== null,
    queryFn: () => callRoute<FileContent>('getFile', { params: { id: appId, version }, query: { path: selected! } }),
  });
  const chosen = files.data?.items.find((file) => file.path === selected);
  const pane =
    selected === null ? (
      <p className="muted">{t('appPage.pickFile')}</p>
    ) : chosen?.previewable === false ? (
      <p className="muted">{t('appPage.notPreviewable')}</p>
    ) : content.isError ? (
      <ErrorMessage error={content.error} onRetry={() => void content.refetch()} />
    ) : content.data === undefined ? (
      <Loading />
    ) : /\.md$/i.test(selected) ? (
      <MarkdownView markdown={content.data.content} label={selected} />
    ) : (
      <CodeView path={selected} code={content.data.content} />
    );
  return (
    <section aria-labelledby="code-title" className="panel">
      <h2 id="code-title">{t('appPage.code')}</h2>
      <QueryState query={files} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('appPage.noFiles')} />}>
        {(data) => (
          <div className="code-preview">
            <FileTree files={data.items} selected={selected} onSelect={setPicked} label={t('appPage.files')} />
            <div className="code-pane">{pane}</div>
          </div>
        )}
      </QueryState>
    </section>
  );
}
