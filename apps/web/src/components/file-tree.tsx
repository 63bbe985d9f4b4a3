import type { AppFile } from '../api/types';

interface TreeNode {
  name: string;
  path: string;
  children: Map<string, TreeNode>;
  file: boolean;
}

export function buildTree(files: AppFile[]): TreeNode {
  const root: TreeNode = { name: '', path: '', children: new Map(), file: false };
  for (const { path } of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    let node = root;
    const parts = path.split('/').filter(Boolean);
    parts.forEach((part, index) => {
      const childPath = parts.slice(0, index + 1).join('/');
      let child = node.children.get(part);
      if (!child) {
        child = { name: part, path: childPath, children: new Map(), file: index === parts.length - 1 };
        node.children.set(part, child);
      }
      node = child;
    });
  }
  return root;
}

function Branch({ node, selected, onSelect }: { node: TreeNode; selected: string | null; onSelect: (path: string) => void }) {
  const entries = [...node.children.values()].sort((a, b) => Number(a.file) - Number(b.file) || a.name.localeCompare(b.name));
  return (
    <ul>
      {entries.map((child) =>
        child.file ? (
          <li key={child.path}>
            <button type="button" className={`link${selected === child.path ? ' selected' : ''}`} aria-current={selected === child.path ? 'true' : undefined} onClick={() => onSelect(child.path)}>
              {child.name}
            </button>
          </li>
        ) : (
          <li key={child.path}>
            <details open>
              <summary>{child.name}/</summary>
              <Branch node={child} selected={selected} onSelect={onSelect} />
            </details>
          </li>
        ),
      )}
    </ul>
  );
}

/** The files of a version as folders (native <details>, keyboard-operable) and file buttons. */
export function FileTree({ files, selected, onSelect, label }: { files: AppFile[]; selected: string | null; onSelect: (path: string) => void; label: string }) {
  return (
    <nav className="file-tree" aria-label={label}>
      <Branch node={buildTree(files)} selected={selected} onSelect={onSelect} />
    </nav>
  );
}
