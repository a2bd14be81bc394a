import '@cascade/ui/theme.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createStorefrontRouter } from './router';

const pinia = createPinia();
const app = createApp(App);
app.use(pinia);
app.use(createStorefrontRouter(pinia));
app.mount('#app');
