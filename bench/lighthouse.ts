/** Runs Lighthouse (desktop or mobile preset) against a URL in Debian's Chromium started by chrome-launcher, and returns the category scores and the performance metrics. Knows nothing of the page. */
import { launch } from 'chrome-launcher'
import lighthouse, { desktopConfig } from 'lighthouse'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium.js'

export type FormFactor = 'desktop' | 'mobile'

export interface LighthouseRun {
  /** category scores, 0–100 */
  performance: number
  accessibility: number
  bestPractices: number
  /** ms (CLS unitless): first and largest contentful paint, total blocking time, speed index, cumulative layout shift */
  fcp: number
  lcp: number
  tbt: number
  si: number
  cls: number
  /** Lighthouse's measure of this machine's CPU speed (a mid-range 2023 desktop scores about 1,500–2,000) */
  benchmarkIndex: number
  /** KiB the page transferred (compressed as served) */
  transferKiB: number
  /** KiB of JavaScript loaded but unused by the end of the load, as Lighthouse estimates it */
  unusedJsKiB: number
}

const score = (s: number | null | undefined): number => Math.round((s ?? 0) * 100)

/** One Lighthouse navigation of `url` in a fresh Chromium (fresh profile: empty IndexedDB, empty cache). */
export async function runLighthouse (url: string, form: FormFactor): Promise<LighthouseRun> {
  const chrome = await launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' })
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      logLevel: 'error',
      output: 'json',
      onlyCategories: ['performance', 'accessibility', 'best-practices']
    }, form === 'desktop' ? desktopConfig : undefined)
    if (result == null) throw new Error('Lighthouse returned no result')
    const lhr = result.lhr
    if (lhr.runtimeError != null) throw new Error(`Lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`)
    const metric = (id: string): number => lhr.audits[id]?.numericValue ?? Number.NaN
    const unused = lhr.audits['unused-javascript']?.details as { overallSavingsBytes?: number } | undefined
    return {
      performance: score(lhr.categories.performance?.score),
      accessibility: score(lhr.categories.accessibility?.score),
      bestPractices: score(lhr.categories['best-practices']?.score),
      fcp: metric('first-contentful-paint'),
      lcp: metric('largest-contentful-paint'),
      tbt: metric('total-blocking-time'),
      si: metric('speed-index'),
      cls: metric('cumulative-layout-shift'),
      benchmarkIndex: lhr.environment.benchmarkIndex,
      transferKiB: metric('total-byte-weight') / 1024,
      unusedJsKiB: (unused?.overallSavingsBytes ?? 0) / 1024
    }
  } finally {
    chrome.kill()
  }
}
