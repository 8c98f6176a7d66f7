'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, TextInput } from '@/components/ui/field';

type UploadResult = { documents: Array<{ id: string; title: string }>; rejected: Array<{ fileName: string; reason: string }>; message?: string };

export function UploadPanel({ maxMegabytes }: { maxMegabytes: number }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<UploadResult | null>(null);

  const choose = (list: FileList | null) => {
    setResult(null);
    setFiles(list ? Array.from(list) : []);
  };

  async function upload(form: HTMLFormElement) {
    if (files.length === 0) return;
    setBusy(true);
    const body = new FormData();
    for (const file of files) body.append('files', file);
    body.set('category', (form.elements.namedItem('category') as HTMLInputElement).value);
    body.set('tags', (form.elements.namedItem('tags') as HTMLInputElement).value);
    try {
      const response = await fetch('/api/knowledge/documents', { method: 'POST', body });
      const payload = (await response.json().catch(() => ({}))) as Partial<UploadResult>;
      setResult({ documents: payload.documents ?? [], rejected: payload.rejected ?? [], message: response.ok ? undefined : payload.message });
      if (payload.documents?.length) {
        setFiles([]);
        if (input.current) input.current.value = '';
        router.refresh();
      }
    } catch {
      setResult({ documents: [], rejected: [], message: 'The upload did not reach the server. Check your connection and try again.' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        void upload(event.currentTarget);
      }}
    >
      <label
        htmlFor="knowledge-files"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          choose(event.dataTransfer.files);
        }}
        className={`flex cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed px-6 py-8 text-center text-sm ${
          dragging ? 'border-indigo-500 bg-indigo-50 dark:bg-indigo-950' : 'border-slate-300 dark:border-slate-700'
        }`}
      >
        <span className="font-medium">Drop files here or click to choose</span>
        <span className="text-slate-500">PDF, Word (.docx), HTML, Markdown or text · up to {maxMegabytes} MB each</span>
        {files.length > 0 && <span className="mt-2 text-indigo-700 dark:text-indigo-300">{files.map((file) => file.name).join(', ')}</span>}
      </label>
      <input
        ref={input}
        id="knowledge-files"
        name="files"
        type="file"
        multiple
        accept=".pdf,.docx,.html,.htm,.md,.markdown,.txt,text/*,application/pdf"
        className="sr-only"
        onChange={(event) => choose(event.target.files)}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Category (optional)" name="category">
          <TextInput name="category" placeholder="e.g. billing" maxLength={60} />
        </Field>
        <Field label="Tags (optional, comma-separated)" name="tags">
          <TextInput name="tags" placeholder="e.g. policy, eu" maxLength={500} />
        </Field>
      </div>
      <div>
        <Button type="submit" disabled={busy || files.length === 0}>
          {busy ? 'Uploading…' : files.length > 1 ? `Upload ${files.length} files` : 'Upload'}
        </Button>
      </div>
      <div aria-live="polite" className="flex flex-col gap-1 text-sm">
        {result?.message && <p className="text-red-700 dark:text-red-300">{result.message}</p>}
        {result && result.documents.length > 0 && (
          <p className="text-emerald-700 dark:text-emerald-300">
            {result.documents.length === 1 ? `"${result.documents[0]!.title}" is` : `${result.documents.length} documents are`} queued for indexing.
          </p>
        )}
        {result?.rejected.map((entry) => (
          <p key={entry.fileName} className="text-red-700 dark:text-red-300">
            {entry.fileName}: {entry.reason}
          </p>
        ))}
      </div>
    </form>
  );
}
