import { render } from 'preact';
import { OptionsApp } from '@/lib/options/App';
import { setDocumentLanguage } from '@/lib/ui/document';
import '@/lib/ui/page.css';
import './options.css';

setDocumentLanguage(document, 'optionsTitle');
render(<OptionsApp />, document.getElementById('app')!);
