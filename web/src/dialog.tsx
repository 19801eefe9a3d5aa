// A modal dialog on the native <dialog> element: focus moves in, Esc and the close button close it.
import { useEffect, useRef } from 'preact/hooks'
import type { ComponentChildren } from 'preact'

export function Dialog ({ title, testid, onClose, children }: { title: string, testid: string, onClose: () => void, children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d != null && !d.open) d.showModal()
    return () => { if (d?.open === true) d.close() }
  }, [])
  const id = `${testid}-title`
  return (
    <dialog ref={ref} class="dialog" data-testid={testid} aria-labelledby={id} onCancel={e => { e.preventDefault(); onClose() }}>
      <header class="dialog-header">
        <h2 id={id}>{title}</h2>
        <button type="button" class="icon" data-testid={`${testid}-close`} aria-label="Close" onClick={onClose}>✕</button>
      </header>
      {children}
    </dialog>
  )
}
