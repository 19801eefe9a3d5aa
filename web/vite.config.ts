// Vite build of the web client into dist/web, each text file also precompressed (.br, .gz) for the web server; the relay address is not baked in: the page asks the server for /config.json.
import { defineConfig } from 'vite'
import { compression } from 'vite-plugin-compression2'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Preact through esbuild's automatic JSX runtime: no Babel preset needed
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // brotli (quality 11) and gzip (level 9) copies beside each file, served by sirv (scripts/web-server.ts)
  // to browsers that accept them; source maps are only fetched by DevTools and stay plain
  plugins: [compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(html|js|css|svg|json)$/, logLevel: 'silent' })],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2048
  }
})
