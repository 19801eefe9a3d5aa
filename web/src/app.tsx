// The app shell: onboarding until the profile is set up, then chat list (or the call log) and conversation (two panes on desktop, one with a back button on phones), settings, contact, group, group info, a chat's media and broadcast list routes, the offline and takeover banners, and the call screens over any of them.
import { useEffect, useState } from 'preact/hooks'
import type { AppModel } from './model.js'
import { Onboarding } from './onboarding.js'
import { ChatList } from './chat-list.js'
import { ConversationView } from './conversation.js'
import { Settings } from './settings.js'
import { ContactInfo } from './contact-info.js'
import { TakeoverBanner } from './security-banner.js'
import { RemovedScreen } from './devices.js'
import { GroupChat } from './group-chat.js'
import { GroupInfoView } from './group-info.js'
import { Broadcasts } from './broadcasts.js'
import { MediaGallery } from './media-gallery.js'
import { groupIdOf } from './groups-model.js'
import { CallLayer } from './call-screen.js'
import { CallHistory } from './call-history.js'

/**
 * Re-renders on every model change. The subscription starts in an effect, after the first paint: a change
 * in between (the relay connection opening while the page renders) would leave the view stale until the
 * next one (onboarding stuck on "Connecting to a relay…"), so the effect re-renders when it missed one.
 */
function useModel (model: AppModel): void {
  const [, setVersion] = useState(0)
  const rendered = model.version
  useEffect(() => {
    const unsubscribe = model.subscribe(() => setVersion(v => v + 1))
    if (model.version !== rendered) setVersion(v => v + 1)
    return unsubscribe
  }, [model])
}

export function OfflineBanner ({ model }: { model: AppModel }) {
  if (model.online) return null
  return (
    <div class="offline-banner" role="status" data-testid="offline-banner">
      Not connected to a relay. Messages you send wait here and go out when the connection is back.
    </div>
  )
}

export function App ({ model }: { model: AppModel }) {
  useModel(model)
  const route = model.route
  const ready = model.registered && model.me != null

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // Esc closes the open screen; dialogs handle their own Esc first; a call's screen takes none (not even in the
      // moment a browser that closed it anyway takes to open it again)
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]') != null || model.calls.screen != null) return
      if (model.route.name === 'contact') model.go({ name: 'chat', phone: model.route.phone })
      else if (model.route.name === 'group-info') model.go({ name: 'group', id: model.route.id })
      else if (model.route.name === 'media') {
        const group = groupIdOf(model.route.address)
        model.go(group != null ? { name: 'group-info', id: group } : { name: 'contact', phone: model.route.address })
      }
      else if (model.route.name !== 'list') model.go({ name: 'list' })
    }
    window.addEventListener('keydown', onKey)
    // a file dropped where no chat takes it (the list, settings, a group we cannot write to) would make the browser
    // leave the app to show it: refused here (a chat handles its drops before this)
    const refuseDrop = (e: DragEvent): void => { if ([...(e.dataTransfer?.types ?? [])].includes('Files')) e.preventDefault() }
    window.addEventListener('dragover', refuseDrop)
    window.addEventListener('drop', refuseDrop)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('dragover', refuseDrop)
      window.removeEventListener('drop', refuseDrop)
    }
  }, [model])

  if (model.removed) return <RemovedScreen model={model} />
  if (!ready && route.name !== 'settings') {
    return <div class="app onboarding-shell" data-testid="app" data-state="onboarding"><Onboarding model={model} /></div>
  }
  if (route.name === 'settings') {
    return (
      <>
        <main class="app single" data-testid="app" data-state="settings"><OfflineBanner model={model} /><TakeoverBanner model={model} /><Settings model={model} /></main>
        <CallLayer model={model} />
      </>
    )
  }

  // keyed by what they show: another chat is a new view, so nothing of the last one (its messages, "ready",
  // a draft) shows under the new one's name until its own effects have run
  const detail = route.name === 'chat'
    ? <ConversationView key={`chat:${route.phone}`} model={model} phone={route.phone} />
    : route.name === 'contact'
      ? <ContactInfo key={`contact:${route.phone}`} model={model} phone={route.phone} />
      : route.name === 'group'
        ? <GroupChat key={`group:${route.id}`} model={model} id={route.id} />
        : route.name === 'group-info'
          ? <GroupInfoView key={`group-info:${route.id}`} model={model} id={route.id} />
          : route.name === 'broadcasts'
            ? <Broadcasts model={model} />
            : route.name === 'media'
              ? <MediaGallery key={`media:${route.address}`} model={model} address={route.address} />
            : <div class="placeholder" aria-hidden="true"><p>Select a chat or start a new one.</p></div>

  const listShown = route.name === 'list' || route.name === 'calls'
  return (
    <>
      {/* the whole screen is the main landmark: on a phone only one pane shows, and a hidden <main> is none */}
      <main class={`app panes ${listShown ? 'show-list' : 'show-detail'}`} data-testid="app" data-state="ready">
        <div class="banners">
          <OfflineBanner model={model} />
          <TakeoverBanner model={model} />
        </div>
        <div class="pane list-pane">
          {route.name === 'calls' ? <CallHistory model={model} /> : <ChatList model={model} />}
        </div>
        <section class="pane detail-pane" aria-label="Conversation">
          {detail}
        </section>
      </main>
      <CallLayer model={model} />
    </>
  )
}
