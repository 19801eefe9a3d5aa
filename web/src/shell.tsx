// What the page paints before the app's code and its node have loaded (web/src/main.tsx): the first screen's frame and words, the welcome onboarding shares, and the fatal line. Imports nothing of the SDK.

/**
 * sessionStorage key of the number a code was sent to, kept for the tab's session so a reload on onboarding's
 * code step stays there: the facade keeps the pending registration in storage, the page only needs the number to show.
 */
export function pendingKey (profile: string): string {
  return `parley-pending-${profile}`
}

/** localStorage key set while a profile is set up (registered and named): the shell then paints the chat panes, not the welcome. */
function readyKey (profile: string): string {
  return `parley-ready-${profile}`
}

/** Whether the profile was set up when this browser last ran it (a hint for the shell only; storage has the truth). */
export function readyHint (profile: string): boolean {
  try {
    return localStorage.getItem(readyKey(profile)) === '1'
  } catch {
    return false
  }
}

export function setReadyHint (profile: string, ready: boolean): void {
  try {
    if (ready) localStorage.setItem(readyKey(profile), '1')
    else localStorage.removeItem(readyKey(profile))
  } catch {
    // storage refused (private mode, quota): the shell shows the welcome, which is only a first frame
  }
}

/** Onboarding's heading and tagline. */
export function Welcome ({ profile }: { profile: string }) {
  return (
    <>
      <h1 id="onboarding-title">Welcome to Parley</h1>
      <p class="tagline">A messenger with no central server. This tab is its own node{profile !== 'default' ? <> (profile <b>{profile}</b>)</> : null}.</p>
    </>
  )
}

/** The phone step's heading and help. */
export function PhoneIntro () {
  return (
    <>
      <h2>Your phone number</h2>
      <p id="phone-help">We text you a code to confirm it is yours. Type the number as you would at home; pick the country first.</p>
    </>
  )
}

function Starting () {
  return <p class="note booting-line" role="status" data-testid="starting"><span class="spinner" aria-hidden="true" />Starting Parley…</p>
}

/**
 * The first frame, in the place and with the words of the screen that follows, so the page shows what it is
 * at once and the app's render replaces it without a jump: onboarding's welcome and phone step for a new
 * profile, the panes for one that is set up.
 */
export function Shell ({ profile }: { profile: string }) {
  if (readyHint(profile)) {
    return (
      <main class="app panes show-list" data-testid="shell" data-state="ready">
        <div class="pane list-pane"><Starting /></div>
        <div class="pane detail-pane" />
      </main>
    )
  }
  let pending = false
  try {
    pending = sessionStorage.getItem(pendingKey(profile)) != null
  } catch {
    // storage refused: onboarding then starts on the phone step anyway
  }
  return (
    <div class="app onboarding-shell" data-testid="shell" data-state="onboarding">
      <main class="onboarding card" aria-labelledby="onboarding-title">
        <Welcome profile={profile} />
        <Starting />
        {!pending && <PhoneIntro />}
      </main>
    </div>
  )
}

/** Replaces the page with one line for the person (the app could not start). */
export function fatal (root: HTMLElement, text: string): void {
  root.replaceChildren()
  const p = document.createElement('p')
  p.className = 'fatal error'
  p.setAttribute('role', 'alert')
  p.dataset.testid = 'fatal'
  p.textContent = text
  root.append(p)
}
