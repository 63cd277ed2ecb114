import './zod-csp.js'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from '../shared/contract/index.js'
import { App } from './App.js'
import { setClient, setMessageSender } from './client.js'
import { connectStores } from './stores/connect.js'
import { pickTransport } from './transport/pick.js'

const { transport, connection, messageSender } = pickTransport()
const client = createClient(transport)
setClient(client)
setMessageSender(messageSender ?? null)
connectStores(client, connection)

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
