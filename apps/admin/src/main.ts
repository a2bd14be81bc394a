import '@cascade/ui/theme.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAdminRouter } from './router';

const pinia = createPinia();
const app = createApp(App);
app.use(pinia);
app.use(createAdminRouter(pinia));
app.mount('#app');
